"""What an import did, table by table: every V1 row is imported, merged or skipped with a reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The importer's own backup copies a SQLite file; a PostgreSQL database is the operator's to dump.
NO_BACKUP_ON_POSTGRESQL = "none (the database is on PostgreSQL: take one with pg_dump before importing)"


@dataclass
class TableReport:
    read: int = 0
    imported: int = 0
    merged: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    # Facts about rows that were still imported (a field left out, a contact created...).
    notes: Counter[str] = field(default_factory=Counter)

    @property
    def accounted(self) -> int:
        return self.imported + self.merged.total() + self.skipped.total()

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "imported": self.imported,
            "merged": self.merged.total(),
            "merged_reasons": dict(sorted(self.merged.items())),
            "skipped": self.skipped.total(),
            "skipped_reasons": dict(sorted(self.skipped.items())),
            "notes": dict(sorted(self.notes.items())),
        }


@dataclass
class ImportReport:
    source: Path
    schema_version: int | None
    copied: bool
    dry_run: bool
    tables: dict[str, TableReport] = field(default_factory=dict)
    missing_tables: tuple[str, ...] = ()
    missing_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_imported: dict[str, tuple[int, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    added: Counter[str] = field(default_factory=Counter)
    backup: Path | None = None

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport())

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "schema_version": self.schema_version,
            "read_from_copy": self.copied,
            "dry_run": self.dry_run,
            "backup": str(self.backup) if self.backup else None,
            "tables": {name: t.to_dict() for name, t in self.tables.items()},
            "missing_tables": list(self.missing_tables),
            "missing_columns": {t: list(c) for t, c in self.missing_columns.items()},
            "not_imported": {t: {"rows": n, "reason": why} for t, (n, why) in self.not_imported.items()},
            "warnings": list(self.warnings),
            "added": {k: self.added[k] for k in ("contacts", "interactions", "blacklist", "import_records")},
        }

    def lines(self) -> list[str]:
        version = "unknown" if self.schema_version is None else str(self.schema_version)
        how = "read from a private copy" if self.copied else "read in place, read-only"
        out = [f"V1 database {self.source} (schema version {version}, {how})"]
        out += [f"warning: {w}" for w in self.warnings]
        out.append(f"{'table':<20}{'read':>7}{'imported':>10}{'merged':>8}{'skipped':>9}")
        for name, t in self.tables.items():
            out.append(f"{name:<20}{t.read:>7}{t.imported:>10}{t.merged.total():>8}{t.skipped.total():>9}")
            for label, counter in (("merged", t.merged), ("skipped", t.skipped), ("note", t.notes)):
                out += [f"  {label}: {n} {reason}" for reason, n in sorted(counter.items())]
        for name in self.missing_tables:
            out.append(f"{name}: not in this file (that V1 version never created it)")
        for name, cols in self.missing_columns.items():
            out.append(f"{name}: columns not in this file, read as empty: {', '.join(cols)}")
        for name, (n, why) in self.not_imported.items():
            out.append(f"{name}: {n} row{'' if n == 1 else 's'} not imported ({why})")
        a = self.added
        added = (
            f"{a['contacts']} contacts, {a['interactions']} interactions, {a['blacklist']} blacklist entries"
        )
        if self.dry_run:
            out.append(f"dry run: nothing written; would add {added}")
        else:
            out.append(f"added {added}")
            out.append(f"backup of the database before import: {self.backup or NO_BACKUP_ON_POSTGRESQL}")
        return out
