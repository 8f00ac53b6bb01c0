// Page behaviour of the practice site. Works on both markup generations: it only looks
// elements up by role, by tag, or through class names handed over in window.LP_BOOT.
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
        document.querySelector(cls("msg-overlay-list")).appendChild(bubble);
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
          var list = form.closest("[role=dialog]").querySelector(cls("msg-s-message-list-content"));
          list.insertAdjacentHTML("beforeend", body.item);
        }
        box.innerHTML = "";
      }).catch(function () { send.disabled = false; });
      return false;
    },

    askWithdraw: function (button, slug) {
      var card = button.closest("li");
      getText("/voyager/api/invitations/withdraw-dialog?invitee=" + encodeURIComponent(slug)).then(function (html) {
        var modal = fragment(html);
        modal.lpCard = card;
        document.body.appendChild(modal);
      }).catch(function () {});
    },

    closeModal: function (button) {
      button.closest(cls("artdeco-modal-overlay")).remove();
    },

    confirmWithdraw: function (button, slug) {
      var modal = button.closest(cls("artdeco-modal-overlay"));
      button.disabled = true;
      postJson("/voyager/api/invitations/withdraw", { invitee: slug }).then(function () {
        if (modal.lpCard) { modal.lpCard.remove(); }
        modal.remove();
      }).catch(function () { button.disabled = false; });
    }
  };
  window.LP = LP;

  // Birthday page: fetch the next batch when the end of the list comes into view.
  var birthdays = boot.page.birthdays;
  if (birthdays) {
    var list = document.querySelector("main [role=list]");
    var sentinel = document.createElement("div");
    sentinel.style.height = "1px";
    list.parentNode.insertBefore(sentinel, list.nextSibling);
    var loading = false;
    var inView = function () { return sentinel.getBoundingClientRect().top <= window.innerHeight + 40; };
    var loadMore = function () {
      if (loading || birthdays.next >= birthdays.total || !inView()) { return; }
      loading = true;
      fetch("/voyager/api/birthdays?start=" + birthdays.next, { credentials: "same-origin" })
        .then(checked).then(function (r) { return r.json(); })
        .then(function (body) {
          list.insertAdjacentHTML("beforeend", body.html);
          birthdays.next = body.next;
          birthdays.total = body.total;
          loading = false;
          loadMore();
        })
        .catch(function () { loading = false; });
    };
    window.addEventListener("scroll", loadMore, { passive: true });
    new IntersectionObserver(loadMore).observe(sentinel);
  }

  // Profile page: the sticky header (with its own Message button) shows once scrolled.
  if (boot.page.sticky) {
    var header = document.querySelector(cls("pv-profile-sticky-header"));
    var visible = cls("pv-profile-sticky-header--visible").slice(1);
    var toggle = function () { header.classList.toggle(visible, window.scrollY > 240); };
    window.addEventListener("scroll", toggle, { passive: true });
    toggle();
  }
})();
