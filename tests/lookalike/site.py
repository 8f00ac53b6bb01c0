"""An independent LinkedIn look-alike, written by hand from the shared page facts only.

It shares no code, markup or data with the practice site (``linkpilot.sandbox``): its class
names mean nothing, its status lines and ages are plain text, its names sit inside their
profile links, its long lists grow only as they are scrolled, and "logged in" shows only as a
navigation landmark with a "Me" menu. A reader that finds every fact here finds it by
meaning. Read-only: it serves the pages the campaigns read (feed, birthdays, sent
invitations, people search, profiles) in English or French, and its buttons do nothing but
open a person's conversation (from their profile or their birthday card), whose messages are
plain blocks (no list, no role) and whose Send only notes on the page what it would have sent.

    site = await start_lookalike("fr")
    site.url ...; site.birthday_plan ...; await site.stop()
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ME = ("Sam Reader", "sam-reader")


@dataclass(frozen=True)
class Who:
    slug: str
    name: str
    degree: int
    headline: str
    location: str
    open_to_work: bool = False


JOBS = {
    "nadia-okafor-1": (
        ("Platform engineer", "Northwind", "2021 - Present"),
        ("SRE", "Contoso", "2017 - 2021"),
    ),
    "thierry-blanc-3": (("Data engineer", "Tailspin", "2019 - Present"),),
    "omar-haddad-7": (("Rust developer", "Wingtip", "2022 - Present"),),
}
PEOPLE = [
    Who("nadia-okafor-1", "Nadia Okafor", 1, "Platform engineer at Northwind", "Lyon, France"),
    Who("tom-weller-2", "Tom Weller", 2, "Sales lead at Fabrikam", "Berlin, Germany", True),
    Who("thierry-blanc-3", "Thierry Blanc", 1, "Data engineer at Tailspin", "Nantes, France"),
    Who("lea-fontaine-4", "Léa Fontaine", 1, "Product manager at Litware", "Paris, France"),
    Who("marc-dubois-5", "Marc Dubois", 1, "CTO at Adatum", "Lille, France"),
    Who("ivy-chen-6", "Ivy Chen", 3, "Designer at Proseware", "Toronto, Canada"),
    Who("omar-haddad-7", "Omar Haddad", 1, "Rust developer at Wingtip", "Montréal, Canada", True),
    Who("julia-novak-8", "Julia Novak", 1, "Recruiter at Woodgrove", "Prague, Czechia"),
    Who("ben-ito-9", "Ben Ito", 1, "Python developer at Lucerne", "Osaka, Japan"),
    Who("clara-sousa-10", "Clara Sousa", 2, "Python developer at Margie", "Porto, Portugal", True),
    *(
        Who(f"invitee-{n}-{11 + n}", f"Invitee {name}", 2 + n % 2, f"Engineer at Firm {n}", "Remote")
        for n, name in enumerate(("Ada", "Bruno", "Chiara", "Dev", "Elif", "Farid", "Gus", "Hana", "Ines", "Jon"))
    ),
]  # fmt: skip
BY_SLUG = {p.slug: p for p in PEOPLE}
# Birthday page, most recent first: (slug, days ago). Shown 5 at first, then 3 per scroll.
BIRTHDAYS = [
    ("nadia-okafor-1", 0), ("tom-weller-2", 0), ("ivy-chen-6", 0), ("lea-fontaine-4", 1),
    ("omar-haddad-7", 2), ("thierry-blanc-3", 4), ("julia-novak-8", 6), ("ben-ito-9", 9),
    ("marc-dubois-5", 12),
]  # fmt: skip
# Sent invitations, newest first: (slug, count, unit). Shown 6 at first, then 2 per scroll.
# No age near 90 days, so "older than 90 days" has one answer whatever a month is taken for.
INVITATIONS = [
    (p.slug, n, unit)
    for p, (n, unit) in zip(
        PEOPLE[10:],
        ((0, "day"), (2, "day"), (1, "week"), (3, "week"), (1, "month"), (2, "month"),
         (2, "month"), (5, "month"), (1, "year"), (2, "year")),
        strict=True,
    )
]  # fmt: skip
# Any people search gives these, five a page (`page=N`).
SEARCH = ["omar-haddad-7", "ben-ito-9", "clara-sousa-10", "nadia-okafor-1", "thierry-blanc-3", "julia-novak-8",
          "lea-fontaine-4"]  # fmt: skip
SEARCH_AD = "marc-dubois-5"
SUGGESTED = ["ivy-chen-6", "tom-weller-2"]
# Conversations, oldest first: (from me, ISO time, text). Each message is a plain block with
# its sender, a time element and the text: no list, no list item, no role. Anyone else's
# conversation is empty.
THREADS = {
    "nadia-okafor-1": [
        (False, "2026-11-02T09:12:00+01:00", "Thanks for the intro to the Contoso team!"),
        (True, "2026-11-02T09:40:00+01:00", "Happy to help, good luck with it."),
    ],
}

WORDS = {
    "en": {
        "nav": "Global Navigation", "me": "Me", "view": "View profile", "search": "Search",
        "bdays": "Celebrate birthdays", "today": "Birthday today", "yesterday": "Birthday yesterday",
        "ago": "Birthday {n} days ago", "message": "Message {name}", "connect": "Invite {name} to connect",
        "follow": "Follow {name}", "sent": "Sent invitations", "sent_ago": "Sent {n} {unit} ago",
        "sent_today": "Sent today", "withdraw": "Withdraw invitation sent to {name}", "results": "Results",
        "promoted": "Promoted", "pymk": "People you may know", "next": "Next", "previous": "Previous",
        "about": "About", "experience": "Experience", "otw": "Open to work", "deg": ("1st", "2nd", "3rd"),
        "send": "Send", "write": "Write a message…", "close": "Close your conversation with {name}",
        "units": {"day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months"),
                  "year": ("year", "years")},
    },
    "fr": {
        "nav": "Navigation globale", "me": "Vous", "view": "Voir le profil", "search": "Recherche",
        "bdays": "Fêtez les anniversaires", "today": "Anniversaire aujourd’hui", "yesterday": "Anniversaire hier",
        "ago": "Anniversaire il y a {n} jours", "message": "Envoyer un message à {name}",
        "connect": "Inviter {name} à rejoindre votre réseau", "follow": "Suivre {name}",
        "sent": "Invitations envoyées", "sent_ago": "Envoyée il y a {n} {unit}", "sent_today": "Envoyée aujourd’hui",
        "withdraw": "Retirer l’invitation envoyée à {name}", "results": "Résultats", "promoted": "Sponsorisé",
        "pymk": "Personnes que vous pourriez connaître", "next": "Suivant", "previous": "Précédent",
        "about": "Infos", "experience": "Expérience", "otw": "En recherche", "deg": ("1er", "2e", "3e"),
        "send": "Envoyer", "write": "Écrivez un message…", "close": "Fermer votre conversation avec {name}",
        "units": {"day": ("jour", "jours"), "week": ("semaine", "semaines"), "month": ("mois", "mois"),
                  "year": ("an", "ans")},
    },
}  # fmt: skip

e = html.escape
STYLE = """body{margin:0;font-family:sans-serif}.k1{display:flex;gap:12px;padding:8px;border-bottom:1px solid #ddd}
.z9{min-height:150px;display:flex;gap:12px;align-items:center;border-bottom:1px solid #eee}.h0{display:none}
.h0.o1{display:block}.w8{max-width:760px;margin:0 auto 900px}.v0{position:absolute;width:1px;height:1px;overflow:hidden}"""
# Reveals the next items of a list once its end scrolls into view, as long lists do.
GROW = """<script>(function(){var list=document.querySelector("main ul"),tpl=document.querySelector("template"),
step=STEP,end=document.createElement("div");list.after(end);
var more=function(){var left=tpl.content.children;if(!left.length)return;
if(end.getBoundingClientRect().top>innerHeight+50)return;for(var i=0;i<step&&left.length;i++)list.appendChild(left[0]);
requestAnimationFrame(more);};addEventListener("scroll",more,{passive:true});})();</script>"""


def shell(language: str, title: str, body: str) -> str:
    w = WORDS[language]
    name, slug = ME
    return f"""<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>{STYLE}</style></head><body>
<div class="k1"><nav aria-label="{e(w["nav"])}" class="k1">
<a href="/feed/" class="q2">in</a><form role="search" action="/search/results/people/"><input name="keywords" aria-label="{e(w["search"])}"></form>
<a href="/mynetwork/">My Network</a>
<div class="m3"><button type="button" class="m4" aria-expanded="false"
 onclick="this.nextElementSibling.classList.toggle('o1');this.setAttribute('aria-expanded',this.nextElementSibling.classList.contains('o1'))"><img src="data:," alt="" width="24" height="24">{e(w["me"])}</button>
<div class="h0"><a href="/in/{slug}/">{e(name)}</a><a href="/in/{slug}/">{e(w["view"])}</a></div></div>
</nav></div>
<div class="w8">{body}</div></body></html>"""


def action_button(language: str, who: Who) -> str:
    w = WORDS[language]
    key, label = (
        ("message", "Message")
        if who.degree == 1
        else ("connect", "+")
        if who.degree == 2
        else ("follow", "+")
    )
    opens = f' onclick="{OPEN_JS.format(slug=who.slug)}"' if key == "message" else ""
    return f'<button type="button" class="b5" aria-label="{e(w[key].format(name=who.name))}"{opens}>{e(label)}</button>'


# A message button opens that person's conversation; Send only notes what it would have sent.
OPEN_JS = (
    "document.querySelector('[role=dialog] a[href=\\'/in/{slug}/\\']').closest('[role=dialog]').hidden=false"
)
SEND_JS = "document.body.dataset.sent=(document.body.dataset.sent||'')+this.previousElementSibling.innerText"


def conversation(language: str, who: Who) -> str:
    """The conversation dialog with `who`, hidden until their Message button is pressed."""
    w = WORDS[language]
    me, _ = ME
    messages = "".join(
        f"""<div class="x4"><span class="x5">{e(me if mine else who.name)}</span>
<time datetime="{at}">{at[11:16]}</time><p class="x6">{e(text)}</p></div>"""
        for mine, at, text in THREADS.get(who.slug, ())
    )
    return f"""<aside><div class="x1" role="dialog" aria-label="{e(who.name)}" hidden>
<div class="x2"><h2><a href="/in/{who.slug}/">{e(who.name)}</a></h2>
<button type="button" aria-label="{e(w["close"].format(name=who.name))}" onclick="this.closest('.x1').hidden=true">×</button></div>
<div class="x3">{messages}</div>
<div role="textbox" contenteditable="true" aria-label="{e(w["write"])}"></div><button type="button" onclick="{SEND_JS}">{e(w["send"])}</button>
</div></aside>"""


def birthday_status(language: str, days: int) -> str:
    w = WORDS[language]
    return w["today"] if days == 0 else w["yesterday"] if days == 1 else w["ago"].format(n=days)


def birthday_card(language: str, slug: str, days: int) -> str:
    who = BY_SLUG[slug]
    # The name inside its link, the status as plain text: no time element anywhere.
    return f"""<li class="z9"><img src="data:," alt="" width="48" height="48">
<div class="c6"><a href="/in/{slug}/" class="c7"><span class="c8">{e(who.name)}</span></a>
<div class="c9">{e(birthday_status(language, days))}</div></div>{action_button(language, who)}</li>"""


def sent_age(language: str, n: int, unit: str) -> str:
    w = WORDS[language]
    if n == 0:
        return str(w["sent_today"])
    one, many = w["units"][unit]
    return str(w["sent_ago"]).format(n=n, unit=one if n == 1 else many)


def invitation_card(language: str, slug: str, n: int, unit: str) -> str:
    who = BY_SLUG[slug]
    withdraw = "Retirer" if language == "fr" else "Withdraw"
    label = WORDS[language]["withdraw"].format(name=who.name)
    return f"""<li class="z9"><div class="d1"><a href="/in/{slug}/" class="d2"><strong class="d3">{e(who.name)}</strong>
<span class="d4">{e(who.headline)}</span></a><span class="d5">{e(sent_age(language, n, unit))}</span></div>
<button type="button" class="b5" aria-label="{e(label)}">{withdraw}</button></li>"""


def growing(items: list[str], first: int, step: int) -> str:
    return (
        f'<ul class="g1">{"".join(items[:first])}</ul>'
        f"<template>{''.join(items[first:])}</template>{GROW.replace('STEP', str(step))}"
    )


@dataclass
class Lookalike:
    language: str
    url: str = ""
    runner: web.AppRunner | None = field(default=None, repr=False)
    visits: list[str] = field(default_factory=list)
    searches: list[dict[str, Any]] = field(default_factory=list)

    async def feed(self, request: web.Request) -> web.Response:
        return page(shell(self.language, "Feed", '<main class="f1"><p>Feed</p></main>'))

    async def birthdays(self, request: web.Request) -> web.Response:
        cards = [birthday_card(self.language, slug, days) for slug, days in BIRTHDAYS]
        title = WORDS[self.language]["bdays"]
        talks = "".join(
            conversation(self.language, BY_SLUG[s]) for s, _ in BIRTHDAYS if BY_SLUG[s].degree == 1
        )
        body = f"<main><h1>{e(title)}</h1>{growing(cards, 5, 3)}</main>{talks}"
        return page(shell(self.language, title, body))

    async def invitations(self, request: web.Request) -> web.Response:
        cards = [invitation_card(self.language, slug, n, unit) for slug, n, unit in INVITATIONS]
        title = WORDS[self.language]["sent"]
        return page(shell(self.language, title, f"<main><h1>{e(title)}</h1>{growing(cards, 6, 2)}</main>"))

    async def search(self, request: web.Request) -> web.Response:
        w = WORDS[self.language]
        page_text = request.query.get("page", "1")
        number = max(1, int(page_text)) if page_text.isdigit() else 1
        slugs = SEARCH[(number - 1) * 5 : number * 5]
        self.searches.append({"page": number, "results": slugs})
        results = "".join(
            f"""<li class="r1"><div class="r2"><a href="/in/{s}/?trk=srp" class="r3"><span aria-hidden="true">{e(BY_SLUG[s].name)}</span><span class="v0">{e(BY_SLUG[s].name)}</span></a>
<p class="r4">{e(BY_SLUG[s].headline)}</p></div>{action_button(self.language, BY_SLUG[s])}</li>"""
            for s in slugs
        )
        ad = BY_SLUG[SEARCH_AD]
        pymk = "".join(f'<li><a href="/in/{s}/">{e(BY_SLUG[s].name)}</a></li>' for s in SUGGESTED)
        keywords = request.query.get("keywords", "")
        last = (len(SEARCH) + 4) // 5
        nav = "".join(
            f'<a href="/search/results/people/?keywords={e(keywords)}&amp;page={n}" aria-label="{w[k]}">{w[k]}</a>'
            for n, k in ((number - 1, "previous"), (number + 1, "next"))
            if 1 <= n <= last
        )
        body = f"""<main><div class="a1"><span>{e(w["promoted"])}</span><a href="/in/{ad.slug}/">{e(ad.name)}</a></div>
<h2>{e(w["results"])}</h2><ul class="r0">{results}</ul><div class="p1">{nav}</div></main>
<aside><h2>{e(w["pymk"])}</h2><ul>{pymk}</ul></aside>"""
        return page(shell(self.language, w["search"], body))

    async def profile(self, request: web.Request) -> web.Response:
        w = WORDS[self.language]
        who = BY_SLUG.get(request.match_info["slug"])
        if who is None:
            raise web.HTTPNotFound()
        self.visits.append(who.slug)
        otw = f'<p class="t7">{e(w["otw"])}</p>' if who.open_to_work else ""
        jobs = "".join(
            f'<li><span aria-hidden="true">{e(t)}</span><span aria-hidden="true">{e(c)}</span><span>{e(d)}</span></li>'
            for t, c, d in JOBS.get(who.slug, ())
        )
        body = f"""<main><section class="t1"><h1 class="t2">{e(who.name)}</h1><span class="t3">· {w["deg"][who.degree - 1]}</span>
<p class="t4">{e(who.headline)}</p><p class="t5">{e(who.location)}</p>{otw}{action_button(self.language, who)}</section>
<section><h2>{e(w["about"])}</h2><p>{e(who.name)} — {e(who.headline)}.</p></section>
<section><h2>{e(w["experience"])}</h2><ul>{jobs}</ul></section></main>
{conversation(self.language, who) if who.degree == 1 else ""}"""
        return page(shell(self.language, who.name, body))

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # What a reader should find --------------------------------------------------------

    @property
    def birthday_plan(self) -> list[str]:
        """1st-degree birthdays today or up to 10 days ago, in page order."""
        return [s for s, days in BIRTHDAYS if BY_SLUG[s].degree == 1 and days <= 10]

    @staticmethod
    def invitations_older_than(days: int) -> list[str]:
        size = {"day": 1, "week": 7, "month": 30, "year": 365}
        return [s for s, n, unit in INVITATIONS if n * size[unit] >= days]


def page(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8")


async def start_lookalike(language: str = "en", host: str = "127.0.0.1") -> Lookalike:
    site = Lookalike(language)
    app = web.Application()
    app.router.add_get("/feed/", site.feed)
    app.router.add_get("/mynetwork/catch-up/birthday/", site.birthdays)
    app.router.add_get("/mynetwork/invitation-manager/sent/", site.invitations)
    app.router.add_get("/search/results/people/", site.search)
    app.router.add_get("/in/{slug}/", site.profile)
    site.runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await site.runner.setup()
    tcp = web.TCPSite(site.runner, host, 0)
    await tcp.start()
    site.url = f"http://{host}:{site.runner.addresses[0][1]}"
    return site
