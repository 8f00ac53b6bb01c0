"""The sourcing fit score: how well a visited profile matches what the operator looks for.

    total = 100 × Σ weightᵢ × scoreᵢ / Σ weightᵢ      (over the parts that apply, rounded)

Each part scores 0..1:
- keywords: for each wanted term (the keyword query's terms outside NOT, plus the titles),
  the best place it appears, whole words, case and accents ignored: headline or an
  experience title 1.0, skills 0.8, about 0.5; averaged over the terms.
- experience: years covered by the dated experience items (overlaps counted once) divided
  by `target_years`, capped at 1.
- location: 1 when the profile location contains one of the location keywords.
- open_to_work: 1 when the profile shows it.
A part with nothing to compare (no terms, no location keywords) is left out and the others
are scaled up, so a score always spans 0..100. Weights come from `[sourcing.fit]`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from linkpilot.common.settings import FitWeights, Sourcing
from linkpilot.engine.campaigns.logic.experience import parse_experience_range, years_of_experience
from linkpilot.engine.campaigns.logic.search_url import keyword_terms
from linkpilot.engine.campaigns.logic.words import normalize

FIELD_WEIGHTS: Final[dict[str, float]] = {"headline": 1.0, "titles": 1.0, "skills": 0.8, "about": 0.5}


@dataclass(frozen=True, slots=True)
class ExperienceEntry:
    title: str
    dates: str = ""  # the date line as shown: "Jan 2019 - Present · 5 yrs"


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    headline: str = ""
    about: str = ""
    location: str = ""
    skills: tuple[str, ...] = ()
    experience: tuple[ExperienceEntry, ...] = ()
    open_to_work: bool = False


@dataclass(frozen=True, slots=True)
class FitCriteria:
    terms: tuple[str, ...] = ()
    location_keywords: tuple[str, ...] = ()
    weights: FitWeights = field(default_factory=FitWeights)

    @classmethod
    def from_settings(cls, sourcing: Sourcing) -> FitCriteria:
        terms: list[str] = []
        for term in [*keyword_terms(sourcing.keywords), *sourcing.titles]:
            if term.strip() and term not in terms:
                terms.append(term)
        return cls(tuple(terms), tuple(sourcing.location_keywords), sourcing.fit)


@dataclass(frozen=True, slots=True)
class FitScore:
    total: int
    parts: dict[str, float]  # points each part brought, summing to the total before rounding
    years: float
    matched: tuple[str, ...]


def _pattern(term: str) -> re.Pattern[str]:
    words = normalize(term).split()
    return re.compile(r"(?<![^\W_])" + r"\s+".join(re.escape(w) for w in words) + r"(?![^\W_])")


def _contains(haystack: str, pattern: re.Pattern[str]) -> bool:
    return pattern.search(haystack) is not None


def _keyword_score(profile: ProfileFacts, terms: Sequence[str]) -> tuple[float, tuple[str, ...]]:
    fields = {
        "headline": normalize(profile.headline),
        "titles": normalize(" \n ".join(e.title for e in profile.experience)),
        "skills": normalize(" \n ".join(profile.skills)),
        "about": normalize(profile.about),
    }
    total = 0.0
    matched: list[str] = []
    for term in terms:
        pattern = _pattern(term)
        best = max(
            (FIELD_WEIGHTS[name] for name, text in fields.items() if _contains(text, pattern)), default=0.0
        )
        if best:
            matched.append(term)
        total += best
    return total / len(terms), tuple(matched)


def profile_years(profile: ProfileFacts, today: dt.date) -> float:
    ranges = [
        r for r in (parse_experience_range(e.dates, today) for e in profile.experience) if r is not None
    ]
    return years_of_experience(ranges)


def fit_score(profile: ProfileFacts, criteria: FitCriteria, today: dt.date) -> FitScore:
    weights = criteria.weights
    years = profile_years(profile, today)
    scores: dict[str, float] = {
        "experience": min(years / weights.target_years, 1.0),
        "open_to_work": 1.0 if profile.open_to_work else 0.0,
    }
    matched: tuple[str, ...] = ()
    terms = [t for t in criteria.terms if normalize(t).strip()]
    if terms:
        scores["keywords"], matched = _keyword_score(profile, terms)
    places = [p for p in criteria.location_keywords if normalize(p).strip()]
    if places:
        location = normalize(profile.location)
        scores["location"] = 1.0 if any(_contains(location, _pattern(p)) for p in places) else 0.0
    weight_of = {
        "keywords": weights.keywords,
        "experience": weights.experience,
        "location": weights.location,
        "open_to_work": weights.open_to_work,
    }
    weight_sum = sum(weight_of[name] for name in scores)
    parts = {
        name: (100.0 * weight_of[name] * score / weight_sum if weight_sum else 0.0)
        for name, score in scores.items()
    }
    total = max(0, min(100, round(sum(parts.values()))))
    return FitScore(
        total=total, parts={k: round(v, 2) for k, v in parts.items()}, years=round(years, 2), matched=matched
    )
