"""Loose people-search matching: enough of LinkedIn's query language to rehearse sourcing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from linkpilot.sandbox.data import Person

TOKEN = re.compile(r'"([^"]+)"|(\S+)')


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Query:
    keywords: str = ""
    title: str = ""
    seniority: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Query:
        # Facets arrive as '["3","4"]' or '3,4': digits and words are all that matter.
        seniority = frozenset(int(d) for d in re.findall(r"\d+", params.get("seniorityIncluded", "")))
        languages = frozenset(re.findall(r"[a-z]{2}", params.get("profileLanguage", "").lower()))
        return cls(params.get("keywords", ""), params.get("titleFreeText", ""), seniority, languages)

    def matches(self, person: Person) -> bool:
        if self.seniority and person.seniority not in self.seniority:
            return False
        if self.languages and person.profile_language not in self.languages:
            return False
        if self.title:
            titles = fold(" ".join([person.headline, *(e.title for e in person.experience)]))
            if not all(word in titles for word in fold(self.title).split()):
                return False
        return keyword_match(self.keywords, fold(person.searchable_text()))


def keyword_match(keywords: str, haystack: str) -> bool:
    """All terms must appear (any of them when the query says OR); NOT excludes the next."""
    wanted: list[str] = []
    unwanted: list[str] = []
    any_of = False
    negate = False
    for phrase, word in TOKEN.findall(keywords):
        term = phrase or word.strip("()")
        if not phrase and term in ("AND", ""):
            continue
        if not phrase and term == "OR":
            any_of = True
            continue
        if not phrase and term == "NOT":
            negate = True
            continue
        (unwanted if negate else wanted).append(fold(term))
        negate = False
    if any(term in haystack for term in unwanted):
        return False
    if not wanted:
        return True
    hits = [term in haystack for term in wanted]
    return any(hits) if any_of else all(hits)
