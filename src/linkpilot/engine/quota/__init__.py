"""The quota ledger: reserve a unit before acting, commit it after, release it if nothing happened.

Only the contract is imported here: a ledger comes from `engine.quota.factory.create_ledger`,
so reading the rules (`windows`) costs no database driver and no Redis client.
"""

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
]
