"""Notification state: the causes the owner was told about, and the messages on their way.

Opening a cause and queueing its message happen in one write-locked transaction, so two
LinkPilot processes on one data folder (a `serve` and a cron `run`) never both send it. A
delivery is claimed the same way before it is tried, for a lease: a process that dies while
sending leaves it to be tried again once the lease is over, never twice at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from linkpilot.storage.database import Database
from linkpilot.storage.locking import locked_transaction
from linkpilot.storage.models import NotifyCause, NotifyDelivery, NotifyMessage

CAUSES: Table = NotifyCause.__table__  # type: ignore[assignment]
MESSAGES: Table = NotifyMessage.__table__  # type: ignore[assignment]
DELIVERIES: Table = NotifyDelivery.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel as storage knows it: a fingerprint of the URL and a masked label."""

    fingerprint: str
    label: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message for the channels: the cause it opens or resolves, or none (digest, test)."""

    kind: str  # open | resolved | digest | test
    title: str
    body: str
    cause_key: str | None = None


@dataclass(frozen=True, slots=True)
class OpenCause:
    key: str
    kind: str
    title: str
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class Due:
    """A delivery claimed for one attempt."""

    id: int
    channel: str
    attempts: int  # including this one
    title: str
    body: str
    kind: str


@dataclass(frozen=True, slots=True)
class LastDelivery:
    """What the System screen shows for a channel."""

    at: datetime
    ok: bool
    title: str
    error: str | None
    pending: int


async def _queue(conn: AsyncConnection, message: Outgoing, channels: Sequence[Channel], at: datetime) -> int:
    result = await conn.execute(
        insert(MESSAGES).values(
            cause_key=message.cause_key,
            kind=message.kind,
            title=message.title,
            body=message.body,
            created_at=at,
        )
    )
    message_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    for channel in channels:
        await conn.execute(
            insert(DELIVERIES).values(
                message_id=message_id,
                channel=channel.fingerprint,
                label=channel.label,
                attempts=0,
                next_attempt_at=at,
                gave_up=False,
            )
        )
    return message_id


async def queue_message(db: Database, message: Outgoing, channels: Sequence[Channel], at: datetime) -> int:
    async with locked_transaction(db, CAUSES.name) as conn:
        return await _queue(conn, message, channels, at)


async def open_cause(
    db: Database, key: str, kind: str, message: Outgoing, channels: Sequence[Channel], at: datetime
) -> bool:
    """Record the cause and queue its message, unless it is open already (then nothing)."""
    async with locked_transaction(db, CAUSES.name) as conn:
        row = (await conn.execute(select(CAUSES.c.resolved_at).where(CAUSES.c.key == key))).first()
        if row is not None and row.resolved_at is None:
            return False
        values = {"kind": kind, "title": message.title, "opened_at": at, "resolved_at": None}
        if row is None:
            await conn.execute(insert(CAUSES).values(key=key, **values))
        else:
            await conn.execute(update(CAUSES).where(CAUSES.c.key == key).values(**values))
        await _queue(conn, message, channels, at)
        return True


async def resolve_cause(
    db: Database, key: str, message: Outgoing, channels: Sequence[Channel], at: datetime
) -> bool:
    """Mark the cause resolved and queue the "resolved" message, if it was open."""
    async with locked_transaction(db, CAUSES.name) as conn:
        done = await conn.execute(
            update(CAUSES).where(CAUSES.c.key == key, CAUSES.c.resolved_at.is_(None)).values(resolved_at=at)
        )
        if not done.rowcount:
            return False
        await _queue(conn, message, channels, at)
        return True


async def open_causes(db: Database) -> list[OpenCause]:
    async with db.session() as session:
        rows = await session.execute(
            select(CAUSES.c.key, CAUSES.c.kind, CAUSES.c.title, CAUSES.c.opened_at)
            .where(CAUSES.c.resolved_at.is_(None))
            .order_by(CAUSES.c.opened_at)
        )
        return [OpenCause(r.key, r.kind, r.title, r.opened_at) for r in rows]


def _pending(channels: Sequence[str]) -> list[ColumnElement[bool]]:
    """Not delivered and not given up, on these channels."""
    return [
        DELIVERIES.c.channel.in_(channels),
        DELIVERIES.c.delivered_at.is_(None),
        DELIVERIES.c.gave_up.is_(False),
    ]


def _due(channels: Sequence[str], now: datetime) -> list[ColumnElement[bool]]:
    return [
        *_pending(channels),
        or_(DELIVERIES.c.next_attempt_at.is_(None), DELIVERIES.c.next_attempt_at <= now),
    ]


async def claim_due(
    db: Database, channels: Sequence[str], now: datetime, lease: timedelta, limit: int = 20
) -> list[Due]:
    """The deliveries due now on these channels, oldest first, each claimed for `lease`."""
    if not channels:
        return []
    async with locked_transaction(db, CAUSES.name) as conn:
        rows = (
            await conn.execute(
                select(
                    DELIVERIES.c.id,
                    DELIVERIES.c.channel,
                    DELIVERIES.c.attempts,
                    MESSAGES.c.title,
                    MESSAGES.c.body,
                    MESSAGES.c.kind,
                )
                .join(MESSAGES, MESSAGES.c.id == DELIVERIES.c.message_id)
                .where(*_due(channels, now))
                .order_by(DELIVERIES.c.id)
                .limit(limit)
            )
        ).all()
        for row in rows:
            await conn.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id == row.id)
                .values(attempts=row.attempts + 1, next_attempt_at=now + lease, last_attempt_at=now)
            )
        return [Due(r.id, r.channel, r.attempts + 1, r.title, r.body, r.kind) for r in rows]


async def record_attempt(
    db: Database,
    delivery_id: int,
    *,
    at: datetime,
    ok: bool,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> None:
    """Delivered, or failed with `retry_at` for the next try (None: given up)."""
    values: dict[str, object] = {"last_attempt_at": at, "last_error": None if ok else error}
    if ok:
        values["delivered_at"] = at
    elif retry_at is None:
        values["gave_up"] = True
    else:
        values["next_attempt_at"] = retry_at
    async with db.transaction() as session:
        await session.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(**values))


async def next_attempt_at(db: Database, channels: Sequence[str]) -> datetime | None:
    """When the soonest pending delivery on these channels is due (None: nothing pending)."""
    if not channels:
        return None
    async with db.session() as session:
        value = (
            await session.execute(select(func.min(DELIVERIES.c.next_attempt_at)).where(*_pending(channels)))
        ).scalar_one_or_none()
    return _aware(value)


async def pending_count(db: Database, channels: Sequence[str]) -> int:
    if not channels:
        return 0
    async with db.session() as session:
        return await _count_pending(session, channels)


async def _count_pending(session: AsyncSession, channels: Sequence[str]) -> int:
    return int((await session.execute(select(func.count()).where(*_pending(channels)))).scalar_one())


async def last_deliveries(db: Database, channels: Sequence[str]) -> dict[str, LastDelivery]:
    """The newest attempt on each channel, and how many messages still wait for it."""
    out: dict[str, LastDelivery] = {}
    async with db.session() as session:
        for channel in channels:
            row = (
                await session.execute(
                    select(
                        DELIVERIES.c.last_attempt_at,
                        DELIVERIES.c.delivered_at,
                        DELIVERIES.c.last_error,
                        MESSAGES.c.title,
                    )
                    .join(MESSAGES, MESSAGES.c.id == DELIVERIES.c.message_id)
                    .where(DELIVERIES.c.channel == channel, DELIVERIES.c.last_attempt_at.is_not(None))
                    .order_by(DELIVERIES.c.last_attempt_at.desc(), DELIVERIES.c.id.desc())
                    .limit(1)
                )
            ).first()
            if row is None:
                continue
            pending = await _count_pending(session, [channel])
            at = _aware(row.last_attempt_at)
            assert at is not None
            out[channel] = LastDelivery(
                at, row.delivered_at is not None, row.title, row.last_error, int(pending)
            )
    return out


async def prune(db: Database, before: datetime) -> int:
    """Forget the messages queued before `before` (their deliveries go with them): a Pi's
    database must not grow for ever, and a message that old is no news any more."""
    async with db.transaction() as session:
        old = select(MESSAGES.c.id).where(MESSAGES.c.created_at < before)
        await session.execute(delete(DELIVERIES).where(DELIVERIES.c.message_id.in_(old)))
        done = await session.execute(delete(MESSAGES).where(MESSAGES.c.created_at < before))
        return int(done.rowcount or 0)  # type: ignore[attr-defined]


async def last_message_at(db: Database, kind: str) -> datetime | None:
    async with db.session() as session:
        value = (
            await session.execute(select(func.max(MESSAGES.c.created_at)).where(MESSAGES.c.kind == kind))
        ).scalar_one_or_none()
    return _aware(value)


def _aware(value: datetime | str | None) -> datetime | None:
    # Aggregates come back as text on SQLite, bypassing the column type.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
