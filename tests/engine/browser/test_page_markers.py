"""Classifying what a page shows, from the shipped markers (no browser needed)."""

from __future__ import annotations

import pytest

from linkpilot.engine.page_state import (
    ERRORS,
    Authwall,
    Captcha,
    Checkpoint,
    LoggedOut,
    PageBlocked,
    PageFacts,
    RateLimited,
    Restricted,
    classify,
    load_markers,
    parse_markers,
)

ORIGIN = "https://www.linkedin.com"
NAV = frozenset({"#global-nav"})


SIGNED_IN = "the member's menu in the navigation"


def facts(path: str, *texts: str, found: frozenset[str] = NAV) -> PageFacts:
    # A page with the logged-in markers also shows the member's own signs, as LinkedIn's does;
    # one without them shows neither.
    return PageFacts(url=ORIGIN + path, found=found, texts=texts, signed_in=SIGNED_IN if found else None)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (facts("/login", found=frozenset()), LoggedOut),
        (facts("/uas/authenticate", found=frozenset()), LoggedOut),
        (facts("/uas/login?trk=x", found=frozenset()), LoggedOut),
        (facts("/authwall", found=frozenset()), Authwall),
        (facts("/checkpoint/lg/login-submit"), Checkpoint),
        (facts("/feed/", "Check your phone"), Checkpoint),
        (facts("/feed/", "Vérifiez votre identité"), Checkpoint),
        (facts("/feed/", found=NAV | {"input[name=pin]"}), Checkpoint),
        (facts("/feed/", found=NAV | {"#captcha-internal"}), Captcha),
        (facts("/feed/", found=NAV | {"iframe[src*=captcha]"}), Captcha),
        (facts("/checkpoint/challenge/", found=frozenset({"#captcha-internal"})), Captcha),
        (facts("/checkpoint/restricted/"), Restricted),
        (facts("/feed/", "Your account has been restricted"), Restricted),
        (facts("/feed/", "Votre compte a été restreint"), Restricted),
        (facts("/feed/", "You’ve reached the weekly invitation limit"), RateLimited),
        (facts("/feed/", "Please slow down"), RateLimited),
        (facts("/feed/", "Vous avez atteint la limite hebdomadaire d’invitations"), RateLimited),
        (facts("/feed/", found=frozenset()), LoggedOut),
    ],
)
def test_each_state(page: PageFacts, expected: type[PageBlocked]) -> None:
    found = classify(page)
    assert type(found) is expected
    assert found.path == page.path


@pytest.mark.parametrize(
    "text",
    [
        "Thierry Restrictedson",  # a word inside a name is not the word
        "Illimité : messages sans limites",  # "limites" is not "limite"
        "Unrestricted access",
        "Checking your network",
        "Alex Pilot",
    ],
)
def test_words_inside_other_words_do_not_count(text: str) -> None:
    assert classify(facts("/in/someone/", text)) is None


def test_only_http_pages_are_judged() -> None:
    assert classify(PageFacts(url="about:blank", found=frozenset(), texts=())) is None


def test_restriction_wins_over_checkpoint_paths() -> None:
    assert type(classify(facts("/checkpoint/restricted/", "Check your email"))) is Restricted


def test_the_data_file_covers_every_error_and_both_languages() -> None:
    markers = load_markers()
    kinds = [state.kind for state in markers.states]
    assert sorted(kinds) == sorted(k for k in ERRORS)
    assert "#global-nav" in markers.logged_in
    assert all(s in markers.selectors for s in markers.logged_in)


def test_an_unknown_kind_in_the_data_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown page state"):
        parse_markers({"logged_in": [], "states": [{"kind": "banana"}]})


def test_messages_name_the_path_and_the_evidence() -> None:
    found = classify(facts("/feed/", "Vérifiez votre identité"))
    assert found is not None
    assert str(found) == (
        "a security checkpoint: sign in from your own browser and clear it at /feed/ (text 'Vérifiez votre')"
    )
    assert found.kind == "checkpoint"
    assert found.evidence == "text 'Vérifiez votre'"


def test_logged_in_by_meaning_alone() -> None:
    """No marker class or id on the page, but the navigation shows the member's own signs."""
    page = PageFacts(
        url=ORIGIN + "/feed/", found=frozenset(), texts=(), signed_in="the member's menu in the navigation"
    )
    assert classify(page) is None
    assert page.logged_in()
    # The signs of trouble still win over a navigation bar.
    assert type(classify(PageFacts(ORIGIN + "/checkpoint/challenge/", frozenset(), (), "x"))) is Checkpoint
    assert (
        type(classify(PageFacts(ORIGIN + "/feed/", frozenset(), ("Let's do a quick security check",), "x")))
        is Captcha
    )
    assert type(classify(PageFacts(ORIGIN + "/login", frozenset(), (), "x"))) is LoggedOut


def test_a_marker_class_alone_is_not_logged_in() -> None:
    """`#global-nav` on a page without the member's signs (a public page, a look-alike layout
    reusing the name): logged out, never taken for a member's page."""
    page = PageFacts(url=ORIGIN + "/feed/", found=NAV | {"div.feed-identity-module"}, texts=())
    assert not page.logged_in()
    assert type(classify(page)) is LoggedOut


def test_the_member_menu_is_named_in_both_languages() -> None:
    assert {"Me", "Vous"} <= set(load_markers().me_menu)
