"""Resolving logical keys to elements: scoped, explicit about first/last, learning as it goes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from linkpilot.common.errors import LinkPilotError
from linkpilot.engine.selectors.catalog import Heuristic, KeySpec, Pick, shipped_catalog
from linkpilot.engine.selectors.scores import SelectorScores
from linkpilot.engine.selectors.texts import RECOGNISERS

Scope = Page | Locator

# A CSS selector for an element from its tag, role, type and classes: what a heuristic hit
# is remembered as. Names and texts are left out on purpose (they carry the person's name).
# The element's path from the root comes along, to check the selector finds the same one.
PATH_JS = """(el) => {
  const steps = [];
  for (let node = el; node && node.parentElement; node = node.parentElement) {
    steps.push(Array.prototype.indexOf.call(node.parentElement.children, node));
  }
  return steps.reverse().join("/");
}"""
DERIVE_SELECTOR_JS = f"""(el) => {{
  let sel = el.tagName.toLowerCase();
  for (const attr of ["role", "type"]) {{
    const value = el.getAttribute(attr);
    if (value) {{ sel += `[${{attr}}="${{CSS.escape(value)}}"]`; }}
  }}
  for (const name of el.classList) {{ sel += "." + CSS.escape(name); }}
  return {{ selector: sel, path: ({PATH_JS})(el) }};
}}"""


async def evaluate_one(locator: Locator, expression: str, arg: Any = None) -> Any:
    """`locator.evaluate` in one round trip (Playwright's takes three: find the element, run,
    release it); None when nothing matches. For a locator picked to one element."""
    return await locator.evaluate_all(f"(els, arg) => els.length ? ({expression})(els[0], arg) : null", arg)


class Via(StrEnum):
    CANDIDATE = "candidate"
    LEARNED = "learned"
    HEURISTIC = "heuristic"


@dataclass(frozen=True)
class Resolved:
    """Where a key was found. `locator` is the picked element, or every match for pick="all".

    `layer` describes the heuristic layer that found it (None for a candidate).
    """

    key: str
    locator: Locator
    via: Via
    candidate: str | None
    count: int
    learned: bool = False
    layer: str | None = None
    # The picked element's visible text, when a text recogniser read it (saves a round trip).
    text: str | None = None


class SelectorNotFound(LinkPilotError):
    def __init__(self, key: str) -> None:
        super().__init__(f"element not found: {key}")
        self.key = key


def _page_of(scope: Scope) -> Page:
    return scope if isinstance(scope, Page) else scope.page


def picked(locator: Locator, pick: Pick) -> Locator:
    if pick == "first":
        return locator.first
    if pick == "last":
        return locator.last
    return locator


class SelectorEngine:
    """Turns `resolve("message.textbox", dialog, pick="last")` into a Playwright locator.

    Candidates are tried best first (see SelectorScores.order); if none matches inside the
    scope, the heuristic layers are tried in order (role and accessible name, link targets,
    class-free structure, recognised text), and a hit is learned as a new candidate so the
    next lookup is a plain CSS query. A key with a text recogniser keeps only the elements
    whose text it accepts, whoever found them.
    """

    def __init__(
        self,
        scores: SelectorScores | None = None,
        catalog: Mapping[str, KeySpec] | None = None,
    ) -> None:
        self.scores = scores if scores is not None else SelectorScores()
        self.catalog = catalog if catalog is not None else shipped_catalog()
        # The heuristic layer that last found each key (by index): a batch reading can use a
        # class-free structural layer the way it uses a candidate.
        self.last_layer: dict[str, int] = {}

    def spec(self, key: str) -> KeySpec:
        try:
            return self.catalog[key]
        except KeyError:
            raise KeyError(f"unknown selector key {key!r}") from None

    async def flush(self) -> int:
        return await self.scores.flush()

    # Locator construction ---------------------------------------------------------------

    def _role_locator(self, layer: Heuristic, scope: Scope) -> Locator | None:
        if layer.role is None:
            return None
        options: dict[str, Any] = {}
        pattern = layer.name_pattern
        if pattern is not None:
            options["name"] = pattern
        if layer.level is not None:
            options["level"] = layer.level
        locator = scope.get_by_role(cast(Any, layer.role), **options)
        if layer.has_role is not None:
            locator = locator.filter(has=_page_of(scope).get_by_role(cast(Any, layer.has_role)))
        return locator

    def candidate_locator(self, spec: KeySpec, scope: Scope, candidate: str) -> Locator:
        locator = scope.locator(candidate)
        if spec.guard:
            # The catalogue refuses a guard without a layer with a role and names.
            roles = [role for layer in spec.guards if (role := self._role_locator(layer, scope)) is not None]
            guard = roles[0]
            for other in roles[1:]:
                guard = guard.or_(other)
            locator = locator.and_(guard)
        return locator.filter(visible=True)

    def layer_locator(self, layer: Heuristic, scope: Scope) -> Locator:
        parts: list[Locator] = []
        role = self._role_locator(layer, scope)
        if role is not None:
            parts.append(role)
        parts.extend(scope.locator(css) for css in layer.css)
        combined = parts[0]
        for part in parts[1:]:
            combined = combined.or_(part)
        if layer.has is not None:
            combined = combined.filter(has=_page_of(scope).locator(layer.has))
        if layer.has_text is not None:
            combined = combined.filter(has_text=re.compile(layer.has_text))
        return combined.filter(visible=True)

    def heuristic_locator(self, spec: KeySpec, scope: Scope) -> Locator | None:
        """Every layer at once (for waiting); resolution tries them one by one."""
        if not spec.heuristics:
            return None
        layers = [self.layer_locator(layer, scope) for layer in spec.heuristics]
        combined = layers[0]
        for part in layers[1:]:
            combined = combined.or_(part)
        return combined

    def any_locator(self, key: str, scope: Scope) -> Locator:
        """Everything the key could match in `scope`: for waiting until one of them shows."""
        spec = self.spec(key)
        parts = [self.candidate_locator(spec, scope, c) for c in self.scores.order(key, spec.candidates)]
        heuristic = self.heuristic_locator(spec, scope)
        if heuristic is not None:
            parts.append(heuristic)
        combined = parts[0]
        for part in parts[1:]:
            combined = combined.or_(part)
        return combined

    # Resolution -------------------------------------------------------------------------

    async def _hit(
        self, spec: KeySpec, locator: Locator, pick: Pick
    ) -> tuple[Locator, int, str | None] | None:
        """The picked element(s), how many matched, and (for a key with a text recogniser) the
        picked element's text: only elements whose text the recogniser accepts count."""
        if spec.text is None:
            count = await locator.count()
            return (picked(locator, pick), count, None) if count else None
        recognise = RECOGNISERS[spec.text]
        texts = [" ".join(text.split()) for text in await locator.all_inner_texts()]
        passing = [i for i, text in enumerate(texts) if recognise(text)]
        if not passing:
            return None
        index = passing[-1] if pick == "last" else passing[0]
        return locator.nth(index), len(passing), texts[index]

    async def resolve(
        self, key: str, scope: Scope, *, pick: Pick | None = None, timeout_ms: float = 0
    ) -> Resolved | None:
        """Find `key` inside `scope`; None when it is not there (after `timeout_ms` if given)."""
        spec = self.spec(key)
        choice: Pick = pick or spec.pick
        if timeout_ms > 0:
            try:
                await self.any_locator(key, scope).first.wait_for(state="visible", timeout=timeout_ms)
            except PlaywrightTimeoutError:
                return None
        learned = set(self.scores.learned(key))
        missed: list[str] = []
        for candidate in self.scores.order(key, spec.candidates):
            hit = await self._hit(spec, self.candidate_locator(spec, scope, candidate), choice)
            if hit is not None:
                self.scores.success(key, candidate)
                for other in missed:
                    self.scores.failure(key, other)
                via = (
                    Via.LEARNED
                    if candidate in learned and candidate not in spec.candidates
                    else Via.CANDIDATE
                )
                return Resolved(key, hit[0], via, candidate, hit[1], text=hit[2])
            missed.append(candidate)
        for index, layer in enumerate(spec.heuristics):
            heuristic = self.layer_locator(layer, scope)
            hit = await self._hit(spec, heuristic, choice)
            if hit is None:
                continue
            self.last_layer[key] = index
            for other in missed:
                self.scores.failure(key, other)
            target, count, text = hit
            derived = await self._derive(spec, scope, target, choice, count)
            is_new = False
            if derived is not None:
                is_new = self.scores.learn(key, derived)
                # Learned candidates are rare and precious: keep them even if the run dies next.
                await self.scores.flush()
            return Resolved(
                key, target, Via.HEURISTIC, derived, count, learned=is_new, layer=layer.describe(), text=text
            )
        return None

    async def require(
        self, key: str, scope: Scope, *, pick: Pick | None = None, timeout_ms: float = 0
    ) -> Resolved:
        found = await self.resolve(key, scope, pick=pick, timeout_ms=timeout_ms)
        if found is None:
            raise SelectorNotFound(key)
        return found

    async def _derive(
        self, spec: KeySpec, scope: Scope, target: Locator, pick: Pick, count: int
    ) -> str | None:
        """A CSS candidate that finds exactly what the heuristic found, or None."""
        anchor: Pick = "first" if pick == "all" else pick
        element = picked(target, anchor) if pick == "all" else target
        try:
            found = await evaluate_one(element, DERIVE_SELECTOR_JS)
            if found is None:
                return None
            derived = str(found["selector"])
            if "." not in derived and "[" not in derived:
                return None  # a bare tag name would match far too much
            if derived in spec.candidates:
                return None
            hit = await self._hit(spec, self.candidate_locator(spec, scope, derived), anchor)
            if hit is None or hit[1] != count:
                return None
            same = await evaluate_one(hit[0], PATH_JS) == found["path"]
        except PlaywrightError:
            return None  # the page moved on under us: nothing learned, nothing lost
        return derived if same else None
