"""Candidate scores in memory, ordered by recent success, persisted as SelectorStat rows."""

from __future__ import annotations

from collections.abc import Sequence

from linkpilot.common.clock import Clock, utc_now
from linkpilot.storage.database import Database
from linkpilot.storage.selector_stats import StatRecord, load_stats, save_stats


class SelectorScores:
    """Successes and failures per (key, candidate), plus the candidates learned from heuristics.

    A failure is only counted when the key was found some other way: an element that is
    legitimately absent (a 2nd-degree card has no Message button) says nothing about a
    candidate.
    """

    def __init__(self, db: Database | None = None, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self._records: dict[tuple[str, str], StatRecord] = {}
        self._dirty: set[tuple[str, str]] = set()

    @classmethod
    async def load(cls, db: Database, clock: Clock = utc_now) -> SelectorScores:
        scores = cls(db, clock)
        async with db.session() as session:
            for record in await load_stats(session):
                scores._records[(record.key, record.candidate)] = record
        return scores

    async def flush(self) -> int:
        """Write the changed rows; returns how many. Without a database, forgets the changes."""
        if not self._dirty:
            return 0
        changed = [self._records[ident] for ident in sorted(self._dirty)]
        self._dirty.clear()
        if self.db is None:
            return 0
        async with self.db.transaction() as session:
            return await save_stats(session, changed)

    def record(self, key: str, candidate: str) -> StatRecord | None:
        return self._records.get((key, candidate))

    def _touch(self, key: str, candidate: str, *, learned: bool = False) -> StatRecord:
        ident = (key, candidate)
        record = self._records.get(ident)
        if record is None:
            record = self._records[ident] = StatRecord(key=key, candidate=candidate, learned=learned)
        self._dirty.add(ident)
        return record

    def success(self, key: str, candidate: str) -> None:
        record = self._touch(key, candidate)
        record.successes += 1
        record.last_success_at = self.clock()

    def failure(self, key: str, candidate: str) -> None:
        record = self._touch(key, candidate)
        record.failures += 1
        record.last_failure_at = self.clock()

    def learn(self, key: str, candidate: str) -> bool:
        """Remember a candidate found by the heuristic; False if it was already known."""
        known = (key, candidate) in self._records
        record = self._touch(key, candidate, learned=True)
        record.successes += 1
        record.last_success_at = self.clock()
        return not known

    def works(self, key: str, candidate: str) -> bool:
        """Whether the candidate's latest outcome here is a success."""
        record = self._records.get((key, candidate))
        if record is None or record.last_success_at is None:
            return False
        return record.last_failure_at is None or record.last_success_at >= record.last_failure_at

    def learned(self, key: str) -> list[str]:
        return [r.candidate for (k, _c), r in self._records.items() if k == key and r.learned]

    def order(self, key: str, shipped: Sequence[str]) -> list[str]:
        """Shipped and learned candidates, best first.

        Candidates whose latest outcome is a success come first (most recent success first),
        then those never tried (shipped order, learned ones after), then those whose latest
        outcome is a failure.
        """
        pool = list(dict.fromkeys([*shipped, *self.learned(key)]))

        def rank(item: tuple[int, str]) -> tuple[int, float, int]:
            index, candidate = item
            record = self._records.get((key, candidate))
            if record is None or (record.last_success_at is None and record.last_failure_at is None):
                return (1, 0.0, index)
            ok = record.last_success_at
            bad = record.last_failure_at
            if ok is not None and (bad is None or ok >= bad):
                return (0, -ok.timestamp(), index)
            return (2, 0.0, index)

        return [c for _i, c in sorted(enumerate(pool), key=rank)]
