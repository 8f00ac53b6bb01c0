"""Profiles: open one and check it is the intended person; read everything it shows."""

from __future__ import annotations

import re

from playwright.async_api import Locator

from linkpilot.common.text import fold
from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine.actions.base import (
    VISIBLE_TEXTS_FN,
    ActionContext,
    clean,
    goto,
    same_name,
    slug_of,
    text_of,
)
from linkpilot.engine.actions.outcomes import (
    EducationItem,
    ExperienceItem,
    IdentityStatus,
    ProfileData,
    ProfileOpen,
    VisitOutcome,
    VisitStatus,
)
from linkpilot.engine.pacing import Pause
from linkpilot.engine.selectors.engine import evaluate_one
from linkpilot.engine.selectors.texts import is_degree

# Section headings, folded, in English and French.
SECTION_HEADINGS: dict[str, frozenset[str]] = {
    "about": frozenset({"about", "infos"}),
    "experience": frozenset({"experience"}),
    "education": frozenset({"education", "formation"}),
    "skills": frozenset({"skills", "competences"}),
    "languages": frozenset({"languages", "langues"}),
    "certifications": frozenset({"licenses & certifications", "licences et certifications"}),
}
OPEN_TO_WORK = ("open to work", "#opentowork", "en recherche")
DEGREE = re.compile(r"[123]")
# A line that carries dates: a year, or "Present" / "aujourd'hui".
DATE_LINE = re.compile(r"\b(19|20)\d{2}\b|\bpresent\b|aujourd", re.IGNORECASE)


# The texts a top card shows after the name, in order: the degree, the headline, the location,
# badges. Buttons, links ("Contact info") and screen-reader copies are left out.
TOP_CARD_TEXTS_JS = (
    "(card) => {"
    + VISIBLE_TEXTS_FN
    + """
  const name = card.querySelector("h1, [role=heading][aria-level='1']");
  const follows = (el) => !name || (!name.contains(el) && (name.compareDocumentPosition(el) & 4) !== 0);
  return visibleTexts(card, "button, a, script, style").filter((t) => follows(t.parent)).map((t) => t.text);
}"""
)


def in_card_order(
    texts: list[str], headline: str | None, location: str | None
) -> tuple[str | None, str | None]:
    """Headline and location by their place after the name, for those no candidate found."""
    rest = [
        clean(t)
        for t in texts
        if clean(t) not in {headline, location, "·", "•"} and not is_degree(t) and fold(t) not in OPEN_TO_WORK
    ]
    if headline is None and rest:
        headline = rest.pop(0)
    if location is None and rest:
        location = rest.pop(0)
    return headline, location


def section_kind(heading: str) -> str | None:
    folded = fold(heading)
    for kind, names in SECTION_HEADINGS.items():
        if folded in names:
            return kind
    return None


async def top_card(ctx: ActionContext) -> Locator | None:
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return None
    found = await ctx.selectors.resolve("profile.top_card", main.locator, timeout_ms=ctx.timeouts.element_ms)
    return found.locator if found is not None else None


async def shown_name(ctx: ActionContext, card: Locator) -> str | None:
    found = await ctx.selectors.resolve("profile.name", card)
    return await text_of(found.locator) if found is not None else None


async def open_profile(ctx: ActionContext, slug: str, expected_name: str | None = None) -> ProfileOpen:
    """Open /in/<slug>/ and check both the final URL's slug and the name on the top card."""
    navigation = await goto(ctx, f"/in/{slug}/")
    if not navigation.ok:
        return ProfileOpen(navigation)
    final_slug = slug_of(ctx.page.url)
    card = await top_card(ctx)
    name = await shown_name(ctx, card) if card is not None else None
    if final_slug != slug.lower():
        identity = IdentityStatus.SLUG_MISMATCH
    elif not name:
        identity = IdentityStatus.NO_NAME
    elif expected_name is not None and not same_name(name, expected_name):
        identity = IdentityStatus.NAME_MISMATCH
    else:
        identity = IdentityStatus.MATCH
    return ProfileOpen(navigation, identity, name, final_slug, card)


async def _optional_text(ctx: ActionContext, key: str, scope: Locator) -> str | None:
    found = await ctx.selectors.resolve(key, scope)
    if found is None:
        return None
    return await text_of(found.locator) or None


# Each item's visible texts in order, one line per text.
ITEM_LINES_JS = (
    "(items) => {"
    + VISIBLE_TEXTS_FN
    + """
  return items.map((item) => visibleTexts(item, "button, script, style").map((t) => t.text));
}"""
)


def _experience(lines: tuple[str, ...]) -> ExperienceItem:
    date_at = next((i for i, line in enumerate(lines) if i > 0 and DATE_LINE.search(line)), None)
    company = lines[1] if len(lines) > 1 and date_at != 1 else None
    date_text = lines[date_at] if date_at is not None else None
    location = lines[date_at + 1] if date_at is not None and date_at + 1 < len(lines) else None
    return ExperienceItem(lines[0], company, date_text, location, lines)


def _education(lines: tuple[str, ...]) -> EducationItem:
    date_at = next((i for i, line in enumerate(lines) if i > 0 and DATE_LINE.search(line)), None)
    degree = lines[1] if len(lines) > 1 and date_at != 1 else None
    return EducationItem(lines[0], degree, lines[date_at] if date_at is not None else None, lines)


async def read_sections(ctx: ActionContext) -> dict[str, list[tuple[str, ...]] | str]:
    """Each known section by kind: a list of item lines, or the About text."""
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return {}
    sections = await ctx.selectors.resolve("profile.section", main.locator, pick="all")
    if sections is None:
        return {}
    out: dict[str, list[tuple[str, ...]] | str] = {}
    for index in range(sections.count):
        section = sections.locator.nth(index)
        heading = await _optional_text(ctx, "profile.section.heading", section)
        kind = section_kind(heading) if heading else None
        if kind is None or kind in out:
            continue
        if kind == "about":
            about = await _optional_text(ctx, "profile.section.about_text", section)
            if about:
                out[kind] = about
            continue
        items = await ctx.selectors.resolve("profile.section.item", section, pick="all")
        texts = await items.locator.evaluate_all(ITEM_LINES_JS) if items is not None else []
        out[kind] = [tuple(clean(t) for t in lines) for lines in texts if lines]
    return out


async def extract_profile(ctx: ActionContext, slug: str, name: str) -> ProfileData | None:
    """Read the profile already open in the page; None when its top card cannot be read."""
    card = await top_card(ctx)
    if card is None:
        return None
    headline = await _optional_text(ctx, "profile.headline", card)
    location = await _optional_text(ctx, "profile.location", card)
    if headline is None or location is None:
        headline, location = in_card_order(
            await evaluate_one(card, TOP_CARD_TEXTS_JS) or [], headline, location
        )
    degree_text = await _optional_text(ctx, "profile.degree", card)
    match = DEGREE.search(degree_text or "")
    badge = await ctx.selectors.resolve("profile.open_to_work", card)
    card_text = fold(await card.inner_text())
    open_to_work = badge is not None or any(marker in card_text for marker in OPEN_TO_WORK)
    sections = await read_sections(ctx)

    def rows(kind: str) -> list[tuple[str, ...]]:
        value = sections.get(kind, [])
        return value if isinstance(value, list) else []

    about = sections.get("about")
    return ProfileData(
        slug=slug,
        url=normalize_profile_url(f"/in/{slug}/"),
        name=name,
        headline=headline,
        location=location,
        degree=int(match.group(0)) if match else None,
        open_to_work=open_to_work,
        about=about if isinstance(about, str) else None,
        experience=tuple(_experience(r) for r in rows("experience")),
        education=tuple(_education(r) for r in rows("education")),
        skills=tuple(r[0] for r in rows("skills")),
        languages=tuple(r[0] for r in rows("languages")),
    )


async def visit_profile(ctx: ActionContext, slug: str, expected_name: str | None = None) -> VisitOutcome:
    """Pace, open the profile, check identity, then extract it."""
    await ctx.pacing.pause(Pause.VISIT)
    opened = await open_profile(ctx, slug, expected_name)
    if not opened.navigation.ok:
        return VisitOutcome(
            VisitStatus.NAVIGATION_FAILED, slug, navigation=opened.navigation, detail=opened.navigation.detail
        )
    if not opened.ok:
        assert opened.identity is not None
        status = (
            VisitStatus.INCOMPLETE if opened.identity is IdentityStatus.NO_NAME else VisitStatus.WRONG_PERSON
        )
        return VisitOutcome(
            status,
            slug,
            navigation=opened.navigation,
            detail=f"{opened.identity.value}: page shows {opened.shown_name!r}",
        )
    assert opened.shown_name is not None
    data = await extract_profile(ctx, slug, opened.shown_name)
    await ctx.selectors.flush()
    if data is None:
        return VisitOutcome(VisitStatus.INCOMPLETE, slug, navigation=opened.navigation, detail="no top card")
    return VisitOutcome(VisitStatus.VISITED, slug, profile=data, navigation=opened.navigation)
