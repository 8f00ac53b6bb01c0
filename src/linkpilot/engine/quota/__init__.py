"""The quota ledger: reserve a unit before acting, commit it after, release it if nothing happened."""

from linkpilot.engine.quota.contract import (
    RESERVATION_TTL,
    Action,
    ActionUsage,
    QuotaError,
    QuotaLedger,
    QuotaRefused,
    QuotaSnapshot,
    RefusalReason,
    Reservation,
)
from linkpilot.engine.quota.factory import create_ledger

__all__ = [
    "RESERVATION_TTL",
    "Action",
    "ActionUsage",
    "QuotaError",
    "QuotaLedger",
    "QuotaRefused",
    "QuotaSnapshot",
    "RefusalReason",
    "Reservation",
    "create_ledger",
]
