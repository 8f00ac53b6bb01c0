"""The shipped candidates file and the checks that refuse a broken one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from linkpilot.engine.selectors import CatalogError, shipped_catalog
from linkpilot.engine.selectors.catalog import parse_catalog


def test_shipped_catalog_is_consistent() -> None:
    catalog = shipped_catalog()
    must_have = {
        "birthday.card", "birthday.card.name_link", "birthday.card.status", "birthday.card.message_button",
        "profile.top_card", "profile.name", "profile.message_button", "message.dialog", "message.recipient",
        "message.textbox", "message.send", "message.close", "message.thread_item", "search.result",
        "search.result.link", "list.next", "invitation.card", "invitation.name", "invitation.age",
        "invitation.withdraw", "invitation.confirm",
    }  # fmt: skip
    assert must_have <= set(catalog)
    assert any(key.startswith("profile.section") for key in catalog)
    for spec in catalog.values():
        assert spec.page, spec.key
        assert spec.within is None or spec.within in catalog
        assert spec.candidates or not spec.heuristic.empty
    # Both languages are covered by the button heuristics.
    names = catalog["profile.message_button"].heuristic.name_pattern
    assert names is not None
    assert names.match("Message Marie Martin")
    assert names.match("Envoyer un message à Marie Martin")
    assert not names.match("Messaging")
    send = catalog["message.send"].heuristic.name_pattern
    assert send is not None
    assert send.match("Envoyer")
    assert not send.match("Envoyer un message à X")


def test_guarded_keys_keep_connect_apart_from_message() -> None:
    catalog = shipped_catalog()
    message = catalog["birthday.card.message_button"]
    connect = catalog["birthday.card.connect_button"]
    assert message.guard
    assert connect.guard
    assert message.heuristic.name_pattern is not None
    assert connect.heuristic.name_pattern is not None
    for label in ("Invite Ada Lovelace to connect", "Follow Ada", "Se connecter", "Suivre Ada"):
        assert connect.heuristic.name_pattern.match(label)
        assert not message.heuristic.name_pattern.match(label)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({}, "no [keys] table"),
        ({"keys": {"a": 1}}, "a: must be a table"),
        ({"keys": {"a": {"candidates": ["x"], "colour": "red"}}}, "unknown fields"),
        ({"keys": {"a": {"candidates": ["x"], "pick": "middle"}}}, "pick must be one of"),
        ({"keys": {"a": {}}}, "needs candidates or a heuristic"),
        ({"keys": {"a": {"heuristic": {"role": "button", "names": ["("]}}}}, "bad name pattern"),
        ({"keys": {"a": {"heuristic": {"role": "button", "size": 3}}}}, "unknown heuristic fields"),
        ({"keys": {"a": {"heuristic": "button"}}}, "heuristic must be a table"),
        ({"keys": {"a": {"candidates": ["x"], "guard": True}}}, "guard needs a heuristic role and names"),
        ({"keys": {"a": {"candidates": ["x"], "within": "b"}}}, "within names unknown key 'b'"),
    ],
)
def test_malformed_catalogs_are_refused(data: dict[str, Any], problem: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(problem)):
        parse_catalog(data)


def test_a_minimal_catalog_parses_with_defaults() -> None:
    specs = parse_catalog({"keys": {"x": {"heuristic": {"role": "button", "names": ["^Go$"], "level": 2}}}})
    spec = specs["x"]
    assert (spec.pick, spec.required, spec.guard, spec.within, spec.candidates) == (
        "first",
        True,
        False,
        None,
        (),
    )
    assert spec.heuristic.level == 2
    assert spec.heuristic.name_pattern is not None
    assert spec.heuristic.name_pattern.match("go")
