"""Importing the original bot's (V1) SQLite database: see docs/import-v1.md."""

from linkpilot.storage.v1_import.reader import V1Snapshot, read_v1
from linkpilot.storage.v1_import.report import ImportReport, TableReport
from linkpilot.storage.v1_import.runner import run_import

__all__ = ["ImportReport", "TableReport", "V1Snapshot", "read_v1", "run_import"]
