"""The people-search URL for sourcing, built from settings and checked before any request.

LinkedIn's keyword box accepts "exact phrases", the operators OR, AND and NOT (upper case;
lower-case words are plain words) and parentheses. A query LinkedIn would misread
(unbalanced quotes or parentheses, an operator with nothing to join) is refused here with
one line, rather than silently returning other people. Facets: `titleFreeText`,
`seniorityIncluded` (entry 1 .. cxo 6) and `profileLanguage`, written as LinkedIn writes them
(`["3","4"]`), then the whole query string is percent-encoded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal
from urllib.parse import quote, urlencode, urlsplit

from linkpilot.common.errors import BadInput

SEARCH_PATH: Final = "/search/results/people/"
SENIORITY_CODES: Final[dict[str, int]] = {
    "entry": 1,
    "associate": 2,
    "mid-senior": 3,
    "director": 4,
    "vp": 5,
    "cxo": 6,
}
OPERATORS: Final = frozenset({"AND", "OR", "NOT"})
_QUOTES: Final = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_LEXEME: Final = re.compile(r'"[^"]*"|[()]|[^\s()"]+|"')
_LANGUAGE: Final = re.compile(r"^[a-z]{2}$")

TermKind = Literal["phrase", "word", "op", "open", "close"]


@dataclass(frozen=True, slots=True)
class Term:
    kind: TermKind
    text: str


def parse_keywords(keywords: str) -> list[Term]:
    """Split a keyword query into terms; raise BadInput on a query LinkedIn would misread."""
    text = " ".join(keywords.translate(_QUOTES).split())
    if text.count('"') % 2:
        raise BadInput(f"sourcing keywords: unbalanced quote in {text!r}")
    terms: list[Term] = []
    for lexeme in _LEXEME.findall(text):
        if lexeme.startswith('"'):
            inner = " ".join(lexeme[1:-1].split())
            if not inner:
                raise BadInput(f'sourcing keywords: empty phrase "" in {text!r}')
            terms.append(Term("phrase", inner))
        elif lexeme == "(":
            terms.append(Term("open", lexeme))
        elif lexeme == ")":
            terms.append(Term("close", lexeme))
        elif lexeme in OPERATORS:
            terms.append(Term("op", lexeme))
        else:
            terms.append(Term("word", lexeme))
    _check_grammar(terms, text)
    return terms


def _check_grammar(terms: list[Term], text: str) -> None:
    depth = 0
    # What may come next: an operand ("word", "phrase", "(" or NOT) or anything after one.
    expect_operand = True
    for term in terms:
        if term.kind == "open":
            if not expect_operand:
                expect_operand = True  # "a (b)" is an implicit AND
            depth += 1
        elif term.kind == "close":
            if depth == 0:
                raise BadInput(f"sourcing keywords: unbalanced ')' in {text!r}")
            if expect_operand:
                raise BadInput(f"sourcing keywords: empty or unfinished parentheses in {text!r}")
            depth -= 1
        elif term.kind == "op" and term.text == "NOT":
            expect_operand = True
        elif term.kind == "op":
            if expect_operand:
                raise BadInput(f"sourcing keywords: {term.text} needs a term on each side in {text!r}")
            expect_operand = True
        else:
            expect_operand = False
    if depth:
        raise BadInput(f"sourcing keywords: unbalanced '(' in {text!r}")
    if terms and expect_operand:
        last = terms[-1].text
        raise BadInput(f"sourcing keywords: {last} needs a term after it in {text!r}")


def _render(terms: Sequence[Term]) -> str:
    out = ""
    for term in terms:
        piece = f'"{term.text}"' if term.kind == "phrase" else term.text
        if out and not out.endswith("(") and term.kind != "close":
            out += " "
        out += piece
    return out


def _quoted(term: str, what: str) -> str:
    cleaned = " ".join(term.translate(_QUOTES).split())
    if not cleaned:
        raise BadInput(f"sourcing {what}: empty entry")
    if '"' in cleaned:
        raise BadInput(f"sourcing {what}: quotes are not allowed in {cleaned!r}")
    needs_quotes = len(cleaned.split()) > 1 or cleaned in OPERATORS or any(c in cleaned for c in "()")
    return f'"{cleaned}"' if needs_quotes else cleaned


def keyword_query(keywords: str, exclude: Sequence[str] = ()) -> str:
    """The normalised keyword box text: the query, then NOT for each exclusion."""
    terms = parse_keywords(keywords)
    query = _render(terms)
    excluded = " ".join(f"NOT {_quoted(term, 'exclusion')}" for term in exclude)
    if query and excluded and any(t.kind == "op" and t.text == "OR" for t in terms):
        # Without parentheses "a OR b NOT c" would only exclude from b's side.
        query = f"({query})"
    return " ".join(part for part in (query, excluded) if part)


def keyword_terms(keywords: str) -> list[str]:
    """The words and phrases a profile should contain: every term not under a NOT."""
    wanted: list[str] = []
    negate = False
    groups: list[bool] = []  # for each open parenthesis: is the whole group excluded?
    for term in parse_keywords(keywords):
        excluded = negate or any(groups)
        if term.kind == "op":
            negate = term.text == "NOT"
            continue
        if term.kind == "open":
            groups.append(excluded)
        elif term.kind == "close":
            groups.pop()
        elif not excluded and term.text not in wanted:
            wanted.append(term.text)
        negate = False
    return wanted


def seniority_codes(names: Sequence[str]) -> list[int]:
    codes: set[int] = set()
    for name in names:
        key = re.sub(r"[\s_]+", "-", name.strip().lower())
        if key not in SENIORITY_CODES:
            known = ", ".join(SENIORITY_CODES)
            raise BadInput(f"sourcing seniority: unknown level {name!r} (expected one of {known})")
        codes.add(SENIORITY_CODES[key])
    return sorted(codes)


def _languages(codes: Sequence[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        key = code.strip().lower()
        if not _LANGUAGE.match(key):
            raise BadInput(f"sourcing profile language: {code!r} is not a two-letter code such as fr or en")
        if key not in out:
            out.append(key)
    return out


def _facet(values: Sequence[object]) -> str:
    return json.dumps([str(v) for v in values], separators=(",", ":"))


def build_search_url(
    origin: str,
    keywords: str = "",
    titles: Sequence[str] = (),
    seniority: Sequence[str] = (),
    profile_languages: Sequence[str] = (),
    page: int = 1,
    *,
    exclude: Sequence[str] = (),
    geo_urns: Sequence[str] = (),
) -> str:
    """The people-search URL for one results page; BadInput with one line on any bad input."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"search origin must be an http(s) origin, not {origin!r}")
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise BadInput(f"search page must be a whole number from 1, not {page!r}")
    query = keyword_query(keywords, exclude)
    title_text = " OR ".join(_quoted(t, "title") for t in titles) if len(titles) > 1 else ""
    if len(titles) == 1:
        title_text = " ".join(titles[0].split())
        if not title_text:
            raise BadInput("sourcing title: empty entry")
    codes = seniority_codes(seniority)
    languages = _languages(profile_languages)
    for urn in geo_urns:
        if not str(urn).isdigit():
            raise BadInput(f"sourcing location: geoUrn must be LinkedIn's numeric id, not {urn!r}")
    if not (query or title_text or codes or languages or geo_urns):
        raise BadInput("sourcing needs keywords, titles, seniority or profile languages to search for")
    params: list[tuple[str, str]] = []
    if query:
        params.append(("keywords", query))
    params.append(("origin", "FACETED_SEARCH"))
    if title_text:
        params.append(("titleFreeText", title_text))
    if codes:
        params.append(("seniorityIncluded", _facet(codes)))
    if languages:
        params.append(("profileLanguage", _facet(languages)))
    if geo_urns:
        params.append(("geoUrn", _facet(list(geo_urns))))
    params.append(("page", str(page)))
    base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}{SEARCH_PATH}?{urlencode(params, quote_via=quote, safe='')}"
