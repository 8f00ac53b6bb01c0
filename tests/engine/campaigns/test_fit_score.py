from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.common.errors import ConfigError
from linkpilot.common.settings import FitWeights, load_settings
from linkpilot.engine.campaigns.logic.fit_score import (
    ExperienceEntry,
    FitCriteria,
    ProfileFacts,
    fit_score,
    profile_years,
)

TODAY = dt.date(2025, 6, 15)

STRONG = ProfileFacts(
    headline="Senior Product Manager – FinTech",
    about="Building payment products.",
    location="Paris, Île-de-France, France",
    skills=("Python", "Roadmapping"),
    experience=(
        ExperienceEntry("Product Manager", "Jan 2019 - Present · 6 yrs 6 mos"),
        ExperienceEntry("Business Analyst", "janv. 2014 - déc. 2018 · 5 ans"),
    ),
    open_to_work=True,
)


def test_defaults_and_settings_keys() -> None:
    settings = load_settings(
        {
            "LINKPILOT_SOURCING__KEYWORDS": '"product manager" OR fintech NOT intern',
            "LINKPILOT_SOURCING__TITLES": '["Product Owner"]',
            "LINKPILOT_SOURCING__LOCATION_KEYWORDS": '["Paris", "Lyon"]',
            "LINKPILOT_SOURCING__FIT__KEYWORDS": "60",
            "LINKPILOT_SOURCING__FIT__TARGET_YEARS": "8",
        }
    )
    criteria = FitCriteria.from_settings(settings.sourcing)
    assert criteria.terms == ("product manager", "fintech", "Product Owner")
    assert criteria.location_keywords == ("Paris", "Lyon")
    assert criteria.weights == FitWeights(
        keywords=60, experience=25, location=15, open_to_work=10, target_years=8
    )
    assert load_settings({}).sourcing.fit == FitWeights(
        keywords=50, experience=25, location=15, open_to_work=10, target_years=5
    )


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LINKPILOT_SOURCING__FIT__TARGET_YEARS": "0"}, "sourcing.fit.target_years"),
        ({"LINKPILOT_SOURCING__FIT__LOCATION": "-1"}, "sourcing.fit.location"),
        (
            {
                "LINKPILOT_SOURCING__FIT__KEYWORDS": "0",
                "LINKPILOT_SOURCING__FIT__EXPERIENCE": "0",
                "LINKPILOT_SOURCING__FIT__LOCATION": "0",
                "LINKPILOT_SOURCING__FIT__OPEN_TO_WORK": "0",
            },
            "at least one fit weight must be above 0",
        ),
    ],
)
def test_bad_weights_are_refused(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_settings(env)


def test_a_strong_profile_scores_full_marks() -> None:
    criteria = FitCriteria(("product manager", "fintech"), ("paris",))
    score = fit_score(STRONG, criteria, TODAY)
    assert score.total == 100
    assert score.parts == {"keywords": 50.0, "experience": 25.0, "location": 15.0, "open_to_work": 10.0}
    assert score.matched == ("product manager", "fintech")
    assert score.years == round(((TODAY - dt.date(2014, 1, 1)).days + 1) / 365.25, 2)  # merged: one period


def test_keyword_places_count_differently() -> None:
    weights = FitWeights(keywords=100, experience=0, location=0, open_to_work=0)
    in_headline = ProfileFacts(headline="Kubernetes expert")
    in_title = ProfileFacts(experience=(ExperienceEntry("Kubernetes engineer"),))
    in_skills = ProfileFacts(skills=("Docker", "Kubernetes"))
    in_about = ProfileFacts(about="I like kubernetes.")
    nowhere = ProfileFacts(headline="Kubernetesque")  # a longer word is not the keyword
    criteria = FitCriteria(("Kubernetes",), (), weights)
    totals = [
        fit_score(p, criteria, TODAY).total for p in (in_headline, in_title, in_skills, in_about, nowhere)
    ]
    assert totals == [100, 100, 80, 50, 0]


def test_keywords_match_whole_words_ignoring_case_and_accents() -> None:
    weights = FitWeights(keywords=100, experience=0, location=0, open_to_work=0)
    profile = ProfileFacts(headline="DÉVELOPPEUSE  Full-Stack · Chef\u00a0de projet")
    for term, expected in [
        ("developpeuse", 100),
        ("chef de projet", 100),
        ("full-stack", 100),
        ("stack", 100),
        ("develop", 0),
        ("projets", 0),
    ]:
        assert fit_score(profile, FitCriteria((term,), (), weights), TODAY).total == expected, term
    half = fit_score(profile, FitCriteria(("chef de projet", "rust"), (), weights), TODAY)
    assert half.total == 50
    assert half.matched == ("chef de projet",)


def test_experience_counts_overlaps_once_against_the_target() -> None:
    weights = FitWeights(keywords=0, experience=100, location=0, open_to_work=0, target_years=4)
    overlapping = ProfileFacts(
        experience=(
            ExperienceEntry("A", "2019 - 2020"),
            ExperienceEntry("B", "Jan 2020 - Dec 2020"),  # inside the first
            ExperienceEntry("C", "no dates"),
            ExperienceEntry("D", "Jan 2030 - Present"),  # not started: ignored
        )
    )
    assert profile_years(overlapping, TODAY) == pytest.approx(731 / 365.25)
    assert fit_score(overlapping, FitCriteria((), (), weights), TODAY).total == 50
    assert fit_score(ProfileFacts(), FitCriteria((), (), weights), TODAY).total == 0


def test_location_and_open_to_work() -> None:
    weights = FitWeights(keywords=0, experience=0, location=60, open_to_work=40)
    criteria = FitCriteria((), ("Île-de-France", "lyon"), weights)
    assert fit_score(ProfileFacts(location="Paris, ile-de-france"), criteria, TODAY).total == 60
    assert fit_score(ProfileFacts(location="Lyonnais", open_to_work=True), criteria, TODAY).total == 40
    assert (
        fit_score(ProfileFacts(location="Greater Lyon Area", open_to_work=True), criteria, TODAY).total == 100
    )


def test_parts_without_criteria_are_left_out_and_the_rest_scaled() -> None:
    score = fit_score(ProfileFacts(open_to_work=True), FitCriteria(), TODAY)
    # Only experience (25) and open to work (10) apply: 10 / 35 of 100.
    assert set(score.parts) == {"experience", "open_to_work"}
    assert score.total == round(100 * 10 / 35)
    zero = FitWeights(keywords=10, experience=0, location=0, open_to_work=0)
    assert fit_score(STRONG, FitCriteria((), (), zero), TODAY).total == 0


weights_st = (
    st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0, 100), st.floats(0, 100), st.floats(0.5, 30))
    .filter(lambda w: sum(w[:4]) > 0)
    .map(
        lambda w: FitWeights(
            keywords=w[0], experience=w[1], location=w[2], open_to_work=w[3], target_years=w[4]
        )
    )
)

profiles = st.builds(
    ProfileFacts,
    headline=st.text(max_size=30),
    about=st.text(max_size=30),
    location=st.sampled_from(["", "Paris", "Lyon, France", "Remote"]),
    skills=st.lists(st.sampled_from(["Python", "Go", "SQL", "Excel"]), max_size=3).map(tuple),
    experience=st.lists(
        st.builds(
            ExperienceEntry,
            title=st.text(max_size=15),
            dates=st.sampled_from(["2015 - 2018", "Jan 2019 - Present", ""]),
        ),
        max_size=3,
    ).map(tuple),
    open_to_work=st.booleans(),
)


@given(
    profile=profiles,
    weights=weights_st,
    terms=st.lists(st.sampled_from(["python", "go", "data", "a b"]), max_size=3),
)
def test_the_total_is_within_0_and_100_and_is_the_sum_of_its_parts(
    profile: ProfileFacts, weights: FitWeights, terms: list[str]
) -> None:
    score = fit_score(profile, FitCriteria(tuple(terms), ("paris",), weights), TODAY)
    assert 0 <= score.total <= 100
    assert abs(sum(score.parts.values()) - score.total) <= 0.5 + 0.01 * len(score.parts)
    assert all(v >= 0 for v in score.parts.values())


@given(profile=profiles, weights=weights_st)
def test_being_open_to_work_never_lowers_the_score(profile: ProfileFacts, weights: FitWeights) -> None:
    criteria = FitCriteria(("python",), ("paris",), weights)
    closed = ProfileFacts(**{**{f: getattr(profile, f) for f in profile.__slots__}, "open_to_work": False})
    opened = ProfileFacts(**{**{f: getattr(profile, f) for f in profile.__slots__}, "open_to_work": True})
    assert fit_score(opened, criteria, TODAY).total >= fit_score(closed, criteria, TODAY).total
