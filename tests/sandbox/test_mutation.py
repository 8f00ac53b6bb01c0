"""The mutated markup as served: one seed gives one fixed site, seeds differ in every listed way,
and nothing of the classic markup (class, id, data hook, name of the markup) is left in it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from linkpilot.sandbox import RunningSandbox
from linkpilot.sandbox.i18n import Texts
from linkpilot.sandbox.mutation import LIST_MODES, LISTS, mutator
from linkpilot.sandbox.mutation_tree import Element, parse, to_html
from tests.sandbox.conftest import SandboxFactory

pytestmark = pytest.mark.asyncio(loop_scope="session")

SEEDS = range(24)
BIRTHDAYS = "/mynetwork/catch-up/birthday/"
INVITATIONS = "/mynetwork/invitation-manager/sent/"
SEARCH = "/search/results/people/?keywords=Rust+OR+Python"


def client(site: RunningSandbox, *, logged_in: bool = True) -> aiohttp.ClientSession:
    cookies = {"li_at": site.state.current_token} if logged_in else {}
    return aiohttp.ClientSession(site.url, cookies=cookies, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def served(site: RunningSandbox) -> dict[str, str]:
    """Every page and page-script fragment the campaigns and the session checks meet."""
    people = site.state.world.people
    wished = next(p for p in people if p.role == "already-wished")
    trap = next(p for p in people if p.role == "connect-trap")
    oldest = site.state.world.invitations[-1]
    out: dict[str, str] = {}
    async with client(site) as http:
        for path in (
            "/feed/",
            BIRTHDAYS,
            f"/in/{wished.slug}/",
            f"/in/{trap.slug}/",
            SEARCH,
            INVITATIONS,
            "/checkpoint/challenge/",
            "/checkpoint/challenge/?type=captcha",
            "/checkpoint/restricted/",
            "/messaging/",
        ):
            async with http.get(path) as resp:
                assert resp.status == 200, path
                out[path] = await resp.text()
        for api in (
            "/voyager/api/birthdays?start=10",
            "/voyager/api/invitations/sent?start=10",
            "/voyager/api/search/people?keywords=Rust+OR+Python&start=10",
        ):
            async with http.get(api) as resp:
                out[api] = (await resp.json())["html"]
        async with http.get(f"/voyager/api/messaging/overlay?recipient={wished.slug}") as resp:
            out["overlay"] = await resp.text()
        async with http.get(f"/voyager/api/invitations/withdraw-dialog?invitee={oldest.slug}") as resp:
            out["withdraw-dialog"] = await resp.text()
        body = {"recipient": wished.slug, "text": "Hello again"}
        async with http.post("/voyager/api/messaging/conversations", json=body) as resp:
            out["sent-item"] = (await resp.json())["item"]
    async with client(site, logged_in=False) as http:
        async with http.get("/login") as resp:
            out["/login"] = await resp.text()
        async with http.get("/authwall?sessionRedirect=%2Ffeed%2F") as resp:
            out["/authwall"] = await resp.text()
    return out


def walk(node: Element) -> Iterator[Element]:
    for child in node.elements():
        yield child
        yield from walk(child)


def names_in(html: str) -> tuple[set[str], set[str], set[str]]:
    """Classes, ids and attribute names used by some markup."""
    classes: set[str] = set()
    ids: set[str] = set()
    attributes: set[str] = set()
    for element in walk(parse(html)):
        classes.update(element.classes)
        if element.get("id"):
            ids.add(element.get("id") or "")
        attributes.update(k for k, _ in element.attrs)
    return classes, ids, attributes


async def test_the_tree_writes_back_every_classic_page_as_it_read_it(make_sandbox: SandboxFactory) -> None:
    pages = await served(await make_sandbox(language="fr"))
    for where, html in pages.items():
        # Only the blanks between a tag's attributes may change.
        assert to_html(parse(html)) == re.sub(r"\s+(?=[^<>]*>)", " ", html), where


async def test_one_seed_serves_one_fixed_site(make_sandbox: SandboxFactory) -> None:
    first = await served(await make_sandbox(markup="mutated", mutation_seed=11))
    again = await served(await make_sandbox(markup="mutated", mutation_seed=11))
    other = await served(await make_sandbox(markup="mutated", mutation_seed=12))
    assert first == again
    assert all(first[key] != other[key] for key in first)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_nothing_of_the_classic_markup_survives(make_sandbox: SandboxFactory, language: str) -> None:
    classic = await served(await make_sandbox(language=language))
    classic_classes: set[str] = set()
    classic_ids: set[str] = set()
    for html in classic.values():
        classes, ids, _ = names_in(html)
        classic_classes |= classes
        classic_ids |= ids
    assert {"celebrations-entity-list-item", "msg-form__send-button", "invitation-card"} <= classic_classes
    assert {"global-nav", "username", "captcha-internal"} <= classic_ids
    for seed in range(0, 24, 3):
        mutated = await served(await make_sandbox(language=language, markup="mutated", mutation_seed=seed))
        for where, html in mutated.items():
            classes, ids, attributes = names_in(html)
            assert not classes & classic_classes, (seed, where, classes & classic_classes)
            assert not ids & classic_ids, (seed, where, ids & classic_ids)
            assert not [a for a in attributes if a.startswith("data-")], (seed, where)
            # Nor does any page say which markup it is.
            assert not re.search(r"mutat|classic|hashed", html, re.IGNORECASE), (seed, where)


async def test_no_two_classic_classes_share_a_token(make_sandbox: SandboxFactory) -> None:
    # A shared token would let one rule style another element (hide it, say).
    names: set[str] = set()
    for html in (await served(await make_sandbox())).values():
        names |= names_in(html)[0]
    for seed in range(300):
        assert len({mutator(seed).class_token(name) for name in names}) == len(names), seed


async def test_ids_still_tie_labels_and_dialog_titles(make_sandbox: SandboxFactory) -> None:
    site = await make_sandbox(markup="mutated", mutation_seed=4)
    pages = await served(site)
    for where in ("/login", "/checkpoint/challenge/", "overlay", "withdraw-dialog"):
        elements = list(walk(parse(pages[where])))
        ids = {e.get("id") for e in elements if e.get("id")}
        refs = [e.get("for") or e.get("aria-labelledby") for e in elements]
        assert [r for r in refs if r], where
        assert all(r in ids for r in refs if r), where


# What each seed did to the birthday page, read from the markup as served -------------------


def card_features(html: str, slug: str, name: str, status_word: str = "Birthday") -> dict[str, Any]:
    """How the card of ``slug`` (a birthday, an invitation) is built: every way a seed may change it."""
    root = parse(html)
    parents: dict[int, Element] = {}
    for element in walk(root):
        for child in element.elements():
            parents[id(child)] = element
    links = [
        e
        for e in walk(root)
        if e.tag == "a" and e.get("href") == f"/in/{slug}/" and e.get("tabindex") is None
    ]
    name_link = next(link for link in links if link.text().strip() == name)

    def up(element: Element) -> Element:
        return parents[id(element)]

    card = name_link
    while not (card.tag == "li" or card.get("role") == "listitem"):
        card = up(card)
    depth, node = 0, name_link
    while node is not card:
        node, depth = up(node), depth + 1
    holder_above = (
        up(name_link).tag in ("span", "div", "p", "strong") and up(name_link).text().strip() == name
    )
    parts = []
    for part in card.elements():
        inner = list(walk(part))
        kind = (
            "photo"
            if any(e.tag == "img" for e in [part, *inner]) and not any(e is name_link for e in inner)
            else "button"
            if any(e.tag == "button" for e in [part, *inner])
            else "text"
        )
        parts.append(kind)
    status_holders = [
        e.tag for e in walk(card) if any(isinstance(c, str) and status_word in c for c in e.children)
    ]
    return {
        "card_tag": card.tag,
        "list_tag": up(card).tag,
        "time": any(e.tag == "time" for e in walk(card)),
        "status_tag": status_holders[0],
        "name_inside_link": bool(name_link.elements()),
        "link_inside_name": holder_above,
        "depth": depth,
        "order": tuple(parts),
        "classes": tuple(card.classes),
    }


async def test_seeds_differ_in_every_listed_way(make_sandbox: SandboxFactory) -> None:
    features = []
    invitations = []
    for seed in SEEDS:
        site = await make_sandbox(markup="mutated", mutation_seed=seed)
        person = next(p for p in site.state.world.people if p.role == "already-wished")
        newest = site.state.world.invitations[0]
        async with client(site) as http:
            async with http.get(BIRTHDAYS) as resp:
                features.append(card_features(await resp.text(), person.slug, person.full_name))
            async with http.get(INVITATIONS) as resp:
                invitations.append(card_features(await resp.text(), newest.slug, newest.name, "Sent"))

    def seen(key: str, among: list[dict[str, Any]] = features) -> set[Any]:
        return {f[key] for f in among}

    # The sent invitations vary as much: an age with or without a time element, the title
    # inside its link or around it.
    for key in ("time", "name_inside_link", "link_inside_name", "list_tag"):
        assert len(seen(key, invitations)) == 2, key
    assert len(seen("order", invitations)) >= 3

    assert len(seen("classes")) == len(SEEDS)  # classes hashed afresh by every seed
    assert seen("time") == {True, False}  # time kept, or plain text
    assert seen("status_tag") >= {"time", "p", "span", "div"}  # element types swapped
    assert seen("name_inside_link") == {True, False}  # nesting inverted...
    assert seen("link_inside_name") == {True, False}
    assert len(seen("depth")) >= 3  # ...and wrapped
    assert len(seen("order")) >= 3  # siblings reordered
    assert seen("list_tag") == {"ul", "div"}
    assert seen("card_tag") == {"li", "div"}
    # Every seed keeps the three parts of a card.
    assert all(sorted(f["order"]) == ["button", "photo", "text"] for f in features)


async def test_every_list_mode_is_picked_by_some_seed(make_sandbox: SandboxFactory) -> None:
    modes: dict[str, set[str]] = {name: set() for name in LISTS}
    show_more = Texts("en")("show_more")
    for seed in range(6):
        site = await make_sandbox(markup="mutated", mutation_seed=seed)
        async with client(site) as http:
            for name, path in (("birthdays", BIRTHDAYS), ("invitations", INVITATIONS), ("search", SEARCH)):
                async with http.get(path) as resp:
                    html = await resp.text()
                # Told from the page itself, as a reader would: a button, page numbers, or neither.
                mode = (
                    "more"
                    if f"<span>{show_more}</span>" in html
                    else "pages"
                    if "Page 2" in html
                    else "scroll"
                )
                assert mode == mutator(seed).list_mode(name), (seed, name)
                modes[name].add(mode)
    assert all(found == set(LIST_MODES) for found in modes.values()), modes


async def test_a_paged_list_honours_its_page_and_the_others_start_at_the_top(
    make_sandbox: SandboxFactory,
) -> None:
    seed = next(s for s in range(3) if mutator(s).list_mode("invitations") == "pages")
    site = await make_sandbox(markup="mutated", mutation_seed=seed)
    invitations = site.state.world.invitations
    async with client(site) as http:
        async with http.get(INVITATIONS + "?page=2") as resp:
            html = await resp.text()
        assert f"/in/{invitations[-1].slug}/" in html
        assert f"/in/{invitations[0].slug}/" not in html
    seed = next(s for s in range(3) if mutator(s).list_mode("search") == "scroll")
    site = await make_sandbox(markup="mutated", mutation_seed=seed)
    async with client(site) as http, http.get(SEARCH + "&page=3") as resp:
        assert resp.status == 200
    assert [(s["page"], len(s["results"])) for s in site.state.record.searches] == [(1, 10)]


async def test_batches_skip_withdrawn_invitations_without_shifting(make_sandbox: SandboxFactory) -> None:
    site = await make_sandbox()
    invitations = site.state.world.invitations
    site.state.withdrawn.add(invitations[3].slug)
    async with client(site) as http:
        async with http.get("/voyager/api/invitations/sent?start=0") as resp:
            first = await resp.json()
        async with http.get("/voyager/api/invitations/sent?start=10") as resp:
            second = await resp.json()
        async with http.get("/voyager/api/invitations/sent?start=x") as resp:
            assert resp.status == 400
    assert (first["next"], first["total"], second["next"]) == (10, len(invitations), len(invitations))
    assert f"/in/{invitations[3].slug}/" not in first["html"]
    assert f"/in/{invitations[9].slug}/" in first["html"]
    assert f"/in/{invitations[10].slug}/" in second["html"]


async def test_admin_switches_the_seed_and_refuses_a_bad_one(make_sandbox: SandboxFactory) -> None:
    site = await make_sandbox()
    async with client(site) as http:
        async with http.post("/__admin/config", json={"markup": "mutated", "mutation_seed": 5}) as resp:
            assert (await resp.json())["mutation_seed"] == 5
        async with http.get("/feed/") as resp:
            assert 'id="global-nav"' not in await resp.text()
        for bad in (-1, "5", 2.5, True):
            async with http.post("/__admin/config", json={"mutation_seed": bad}) as resp:
                assert resp.status == 400
    assert (site.state.config.markup, site.state.config.mutation_seed) == ("mutated", 5)


async def test_stylesheet_follows_the_seed(make_sandbox: SandboxFactory) -> None:
    site = await make_sandbox(markup="mutated", mutation_seed=8)
    async with client(site) as http:
        async with http.get("/feed/") as resp:
            html = await resp.text()
        href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert href is not None
        async with http.get(href.group(1)) as resp:
            css = await resp.text()
        async with http.get("/static/sandbox-0123456789abcdef.css") as resp:
            assert resp.status == 404
    token = mutator(8).class_token("artdeco-dropdown__content")
    assert f".{token} {{ display: none; }}" in css
    assert ".artdeco-dropdown__content" not in css
    assert not re.search(r"mutat|classic|hashed", css, re.IGNORECASE)
