// Page behaviour of the practice site. Works on every markup generation: it only looks
// elements up by role, or through class names handed over in window.LP_BOOT.
(function () {
  "use strict";
  var boot = window.LP_BOOT || { classes: {}, page: {} };
  var C = boot.classes;
  var bubbles = {};

  function cls(name) { return "." + C[name]; }

  function fragment(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  // Blocked or logged-out API calls say where LinkedIn would have sent the browser.
  function checked(resp) {
    if (resp.status === 401 || resp.status === 403) {
      return resp.json().then(function (body) {
        if (body.location) { window.location.href = body.location; }
        throw new Error(body.error || "blocked");
      });
    }
    if (!resp.ok) { throw new Error("HTTP " + resp.status); }
    return resp;
  }

  function getText(url) {
    return fetch(url, { credentials: "same-origin" }).then(checked).then(function (r) { return r.text(); });
  }

  function postJson(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(checked).then(function (r) { return r.json(); });
  }

  var LP = {
    noop: function () {},

    openMessage: function (slug) {
      getText("/voyager/api/messaging/overlay?recipient=" + encodeURIComponent(slug)).then(function (html) {
        // One bubble per person, as on LinkedIn: reopening moves it to the newest slot.
        if (bubbles[slug]) { bubbles[slug].remove(); }
        var bubble = fragment(html);
        document.querySelector(cls("overlays")).appendChild(bubble);
        bubbles[slug] = bubble;
        var box = bubble.querySelector("[role=textbox]");
        var send = bubble.querySelector("button[type=submit]");
        box.addEventListener("input", function () { send.disabled = box.innerText.trim() === ""; });
        box.focus();
      }).catch(function () {});
    },

    closeBubble: function (button) {
      var bubble = button.closest("aside");
      Object.keys(bubbles).forEach(function (slug) { if (bubbles[slug] === bubble) { delete bubbles[slug]; } });
      bubble.remove();
    },

    send: function (event, form, slug) {
      event.preventDefault();
      var box = form.querySelector("[role=textbox]");
      var send = form.querySelector("button[type=submit]");
      var text = box.innerText.trim();
      if (!text) { return false; }
      send.disabled = true;
      postJson("/voyager/api/messaging/conversations", { recipient: slug, text: text }).then(function (body) {
        if (body.item) {
          var list = form.closest("[role=dialog]").querySelector(cls("thread"));
          list.insertAdjacentHTML("beforeend", body.item);
        }
        box.innerHTML = "";
      }).catch(function () { send.disabled = false; });
      return false;
    },

    askWithdraw: function (button, slug) {
      var card = button.closest("li, [role=listitem]");
      getText("/voyager/api/invitations/withdraw-dialog?invitee=" + encodeURIComponent(slug)).then(function (html) {
        var modal = fragment(html);
        modal.lpCard = card;
        document.body.appendChild(modal);
      }).catch(function () {});
    },

    closeModal: function (button) {
      button.closest(cls("modal")).remove();
    },

    toggleMe: function (button) {
      var menu = button.closest(cls("meItem")).querySelector(cls("meMenu"));
      var open = menu.classList.toggle(C.meMenuOpen);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    },

    confirmWithdraw: function (button, slug) {
      var modal = button.closest(cls("modal"));
      button.disabled = true;
      postJson("/voyager/api/invitations/withdraw", { invitee: slug }).then(function () {
        if (modal.lpCard) { modal.lpCard.remove(); }
        modal.remove();
      }).catch(function () { button.disabled = false; });
    }
  };
  window.LP = LP;

  // Long lists (birthdays, sent invitations, search results) shown in parts: the next part
  // comes when the end of the list scrolls into view, or when "Show more" is clicked.
  var more = boot.page.list;
  if (more) {
    var list = document.querySelector("." + more.list);
    var button = more.button ? document.querySelector("." + more.button) : null;
    var loading = false;
    var sentinel = null;
    var inView = function () { return sentinel.getBoundingClientRect().top <= window.innerHeight + 40; };
    var fetchNext = function (then) {
      if (loading || more.next >= more.total) { return; }
      loading = true;
      var sep = more.api.indexOf("?") >= 0 ? "&" : "?";
      fetch(more.api + sep + "start=" + more.next, { credentials: "same-origin" })
        .then(checked).then(function (r) { return r.json(); })
        .then(function (body) {
          list.insertAdjacentHTML("beforeend", body.html);
          more.next = body.next;
          more.total = body.total;
          loading = false;
          if (button && more.next >= more.total) { button.remove(); }
          if (then) { then(); }
        })
        .catch(function () { loading = false; });
    };
    if (button) {
      button.addEventListener("click", function () { fetchNext(null); });
    } else {
      sentinel = document.createElement("div");
      sentinel.style.height = "1px";
      list.parentNode.insertBefore(sentinel, list.nextSibling);
      var loadMore = function () { if (inView()) { fetchNext(loadMore); } };
      window.addEventListener("scroll", loadMore, { passive: true });
      new IntersectionObserver(loadMore).observe(sentinel);
    }
  }

  // Profile page: the sticky header (with its own Message button) shows once scrolled.
  if (boot.page.sticky) {
    var header = document.querySelector(cls("sticky"));
    var visible = C.stickyVisible;
    var toggle = function () { header.classList.toggle(visible, window.scrollY > 240); };
    window.addEventListener("scroll", toggle, { passive: true });
    toggle();
  }
})();
