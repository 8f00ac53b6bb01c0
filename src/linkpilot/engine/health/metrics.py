"""A small Prometheus text registry: counters and gauges with labels, no global state."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


@dataclass
class _Family:
    kind: str
    help: str
    samples: dict[Labels, float] = field(default_factory=lambda: defaultdict(float))


class Metrics:
    def __init__(self, prefix: str = "linkpilot") -> None:
        self.prefix = prefix
        self._families: dict[str, _Family] = {}

    def _family(self, name: str, kind: str, help_text: str) -> _Family:
        full = f"{self.prefix}_{name}"
        if not _NAME.match(full):
            raise ValueError(f"bad metric name {full!r}")
        family = self._families.get(full)
        if family is None:
            family = self._families[full] = _Family(kind, help_text)
        elif family.kind != kind:
            raise ValueError(f"{full} is a {family.kind}, not a {kind}")
        return family

    @staticmethod
    def _labels(labels: dict[str, str] | None) -> Labels:
        items = tuple(sorted((labels or {}).items()))
        for key, _ in items:
            if not _LABEL.match(key):
                raise ValueError(f"bad label name {key!r}")
        return items

    def inc(self, name: str, help_text: str, labels: dict[str, str] | None = None, by: float = 1) -> None:
        if by < 0:
            raise ValueError("counters only go up")
        self._family(name, "counter", help_text).samples[self._labels(labels)] += by

    def set(self, name: str, help_text: str, value: float, labels: dict[str, str] | None = None) -> None:
        self._family(name, "gauge", help_text).samples[self._labels(labels)] = value

    def value(self, name: str, labels: dict[str, str] | None = None) -> float:
        family = self._families.get(f"{self.prefix}_{name}")
        return 0.0 if family is None else family.samples.get(self._labels(labels), 0.0)

    def render(self) -> str:
        lines: list[str] = []
        for full, family in sorted(self._families.items()):
            lines.append(f"# HELP {full} {family.help}")
            lines.append(f"# TYPE {full} {family.kind}")
            for labels, value in sorted(family.samples.items()):
                text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
                suffix = f"{{{text}}}" if text else ""
                number = repr(float(value)) if value != int(value) else str(int(value))
                lines.append(f"{full}{suffix} {number}")
        return "\n".join(lines) + "\n"
