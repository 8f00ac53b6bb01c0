from __future__ import annotations

import json
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.common.errors import BadInput, ExitCode
from linkpilot.engine.campaigns.logic.search_url import (
    SENIORITY_CODES,
    build_search_url,
    keyword_query,
    keyword_terms,
    parse_keywords,
    seniority_codes,
)

ORIGIN = "https://www.linkedin.com"


def query_of(url: str) -> dict[str, str]:
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in params.values())
    return {k: v[0] for k, v in params.items()}


def test_a_full_search_url() -> None:
    url = build_search_url(
        ORIGIN,
        '"product manager" AND (fintech OR banque) NOT intern',
        titles=["CTO", "VP Engineering"],
        seniority=["director", "CXO"],
        profile_languages=["fr"],
        page=2,
        exclude=["recruiter", "talent acquisition"],
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "www.linkedin.com",
        "/search/results/people/",
    )
    assert [k for k, _ in parse_qsl(parts.query)] == [
        "keywords",
        "origin",
        "titleFreeText",
        "seniorityIncluded",
        "profileLanguage",
        "page",
    ]
    q = query_of(url)
    assert (
        q["keywords"]
        == '("product manager" AND (fintech OR banque) NOT intern) NOT recruiter NOT "talent acquisition"'
    )
    assert q["origin"] == "FACETED_SEARCH"
    assert q["titleFreeText"] == 'CTO OR "VP Engineering"'
    assert json.loads(q["seniorityIncluded"]) == ["4", "6"]
    assert q["profileLanguage"] == '["fr"]'
    assert q["page"] == "2"
    # Everything outside the unreserved set is percent-encoded; spaces never become "+".
    assert " " not in parts.query
    assert "+" not in parts.query
    assert '"' not in parts.query
    assert "%22product%20manager%22" in parts.query
    assert "profileLanguage=%5B%22fr%22%5D" in parts.query


def test_minimal_urls_and_the_origin_of_the_practice_site() -> None:
    url = build_search_url("http://127.0.0.1:8123/", "python")
    assert url == "http://127.0.0.1:8123/search/results/people/?keywords=python&origin=FACETED_SEARCH&page=1"
    assert (
        query_of(build_search_url(ORIGIN, titles=["Engineering  Manager"]))["titleFreeText"]
        == "Engineering Manager"
    )
    only_facets = query_of(
        build_search_url(
            ORIGIN, seniority=["mid senior", "entry", "Mid_Senior"], profile_languages=["EN", "fr", "en"]
        )
    )
    assert "keywords" not in only_facets
    assert only_facets["seniorityIncluded"] == '["1","3"]'
    assert only_facets["profileLanguage"] == '["en","fr"]'
    assert query_of(build_search_url(ORIGIN, "x", geo_urns=["105015875"]))["geoUrn"] == '["105015875"]'


def test_unicode_and_reserved_characters_are_encoded() -> None:
    url = build_search_url(ORIGIN, "développeur C++ & R&D #rust 100%")
    assert query_of(url)["keywords"] == "développeur C++ & R&D #rust 100%"
    assert "&R" not in urlsplit(url).query
    assert "%C3%A9" in url


def test_typographic_quotes_are_plain_quotes() -> None:
    assert keyword_query("“chef de projet” OR «product owner»") == '"chef de projet" OR "product owner"'


def test_seniority_codes_follow_linkedin() -> None:
    assert SENIORITY_CODES == {"entry": 1, "associate": 2, "mid-senior": 3, "director": 4, "vp": 5, "cxo": 6}
    assert seniority_codes(["VP", "vp", "associate"]) == [2, 5]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"keywords": '"product manager'}, "unbalanced quote"),
        ({"keywords": "(a OR b"}, "unbalanced '('"),
        ({"keywords": "a OR b)"}, "unbalanced ')'"),
        ({"keywords": "a ()"}, "empty or unfinished parentheses"),
        ({"keywords": "(a OR)"}, "empty or unfinished parentheses"),
        ({"keywords": "OR a"}, "OR needs a term on each side"),
        ({"keywords": "a AND OR b"}, "OR needs a term on each side"),
        ({"keywords": "a AND"}, "AND needs a term after it"),
        ({"keywords": "a NOT"}, "NOT needs a term after it"),
        ({"keywords": 'a ""'}, 'empty phrase ""'),
        (
            {"keywords": "a", "seniority": ["senior"]},
            "unknown level 'senior' (expected one of entry, associate",
        ),
        ({"keywords": "a", "profile_languages": ["french"]}, "'french' is not a two-letter code"),
        ({"keywords": "a", "titles": ["CTO", " "]}, "sourcing title: empty entry"),
        ({"keywords": "a", "titles": [" "]}, "sourcing title: empty entry"),
        ({"keywords": "a", "titles": ['say "hi"', "b"]}, "quotes are not allowed"),
        ({"keywords": "a", "exclude": [""]}, "sourcing exclusion: empty entry"),
        ({"keywords": "a", "geo_urns": ["Paris"]}, "geoUrn must be LinkedIn's numeric id"),
        ({"keywords": "a", "page": 0}, "search page must be a whole number from 1"),
        ({"keywords": "a", "page": True}, "search page must be a whole number from 1"),
        ({}, "sourcing needs keywords, titles, seniority or profile languages"),
    ],
)
def test_bad_inputs_are_refused_with_one_line(kwargs: dict[str, object], problem: str) -> None:
    with pytest.raises(BadInput) as caught:
        build_search_url(ORIGIN, **kwargs)  # type: ignore[arg-type]
    assert problem in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.exit_code == ExitCode.BAD_INPUT


@pytest.mark.parametrize("origin", ["www.linkedin.com", "ftp://x", "https://"])
def test_bad_origins(origin: str) -> None:
    with pytest.raises(BadInput, match="search origin must be an http"):
        build_search_url(origin, "a")


def test_lower_case_operators_are_plain_words() -> None:
    terms = parse_keywords("rock and roll or not")
    assert [t.kind for t in terms] == ["word"] * 5
    assert keyword_terms("rock and roll") == ["rock", "and", "roll"]


def test_keyword_terms_leave_out_excluded_terms_and_groups() -> None:
    query = (
        '"product manager" AND (fintech OR banque) NOT intern NOT (stage OR (alternance apprenti)) fintech'
    )
    assert keyword_terms(query) == ["product manager", "fintech", "banque"]
    assert keyword_terms("") == []


def test_the_rendered_query_is_stable() -> None:
    query = '  "data   engineer"   AND(spark OR  "big data" )  NOT  junior '
    once = keyword_query(query)
    assert once == '"data engineer" AND (spark OR "big data") NOT junior'
    assert keyword_query(once) == once


words = st.from_regex(r"[a-zé]{1,8}", fullmatch=True)


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(
        st.sampled_from(["word", "phrase", "and", "or", "not", "group"] if depth < 3 else ["word", "phrase"])
    )
    if kind == "word":
        return draw(words)
    if kind == "phrase":
        return '"' + " ".join(draw(st.lists(words, min_size=1, max_size=3))) + '"'
    if kind == "not":
        return f"{draw(queries(depth + 1))} NOT {draw(queries(depth + 1))}"
    if kind == "group":
        return f"({draw(queries(depth + 1))})"
    return f"{draw(queries(depth + 1))} {kind.upper()} {draw(queries(depth + 1))}"


@given(query=queries(), page=st.integers(min_value=1, max_value=100))
def test_well_formed_queries_round_trip_through_the_url(query: str, page: int) -> None:
    url = build_search_url(ORIGIN, query, page=page)
    q = query_of(url)
    assert q["keywords"] == keyword_query(query)
    assert parse_keywords(q["keywords"]) == parse_keywords(query)
    assert q["page"] == str(page)


@given(query=queries(), cut=st.integers(min_value=0, max_value=200))
def test_dropping_one_quote_or_parenthesis_is_refused(query: str, cut: int) -> None:
    marks = [i for i, c in enumerate(query) if c in '"()']
    if not marks:
        return
    i = marks[cut % len(marks)]
    broken = query[:i] + query[i + 1 :]
    with pytest.raises(BadInput):
        parse_keywords(broken)
