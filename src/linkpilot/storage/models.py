"""The schema. Times are UTC; windows are computed by callers in the configured time zone."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from linkpilot.common.clock import utc_now
from linkpilot.common.text import fold, search_words

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and hands them back aware, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store UTC-aware times only")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class InteractionKind(StrEnum):
    BIRTHDAY = "birthday"
    MESSAGE = "message"
    VISIT = "visit"
    WITHDRAWAL = "withdrawal"


class InteractionState(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


# The only moves an interaction may make. `unknown` is left by reading the thread, or by the operator.
TRANSITIONS: dict[InteractionState, frozenset[InteractionState]] = {
    InteractionState.PLANNED: frozenset({InteractionState.SENDING, InteractionState.FAILED}),
    InteractionState.SENDING: frozenset(
        {InteractionState.SENT, InteractionState.FAILED, InteractionState.UNKNOWN}
    ),
    InteractionState.UNKNOWN: frozenset({InteractionState.SENT, InteractionState.FAILED}),
    InteractionState.FAILED: frozenset({InteractionState.PLANNED}),
    InteractionState.SENT: frozenset(),
}


class ContactStatus(StrEnum):
    NEW = "new"
    VISITED = "visited"
    CONNECTED = "connected"
    INVITED = "invited"
    ARCHIVED = "archived"


def contact_search_text(name: str | None, headline: str | None) -> str:
    # Words only, each after a space: `LIKE '% term%'` then finds any word by its prefix.
    return "".join(f" {word}" for word in search_words(f"{name or ''} {headline or ''}"))


def _insert_params(context: DefaultExecutionContext) -> dict[str, Any]:
    params: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return params


def _name_key_default(context: DefaultExecutionContext) -> str:
    return fold(_insert_params(context).get("name") or "")


def _search_text_default(context: DefaultExecutionContext) -> str:
    params = _insert_params(context)
    return contact_search_text(params.get("name"), params.get("headline"))


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        # Degree last: the 1st-degree birthday look-up is answered from the index too.
        Index("ix_contacts_birthday", "birthday_month", "birthday_day", "degree"),
        # Keyset paging of the contact list: by folded name, and by fit score, id breaking ties.
        Index("ix_contacts_name_key_id", "name_key", "id"),
        Index("ix_contacts_fit_score_id", "fit_score", "id"),
        CheckConstraint("birthday_month IS NULL OR (birthday_month BETWEEN 1 AND 12)", name="month"),
        CheckConstraint("birthday_day IS NULL OR (birthday_day BETWEEN 1 AND 31)", name="day"),
        CheckConstraint("degree IS NULL OR degree BETWEEN 1 AND 3", name="degree"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_url: Mapped[str | None] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # Folded copies of name and headline, kept in step on insert and on ORM update: sorting and
    # searching stay on plain columns (and indexes) and "eloise" finds "Éloïse" on any backend.
    # The server defaults only keep raw SQL inserts working; such rows sort first, unsearchable.
    name_key: Mapped[str] = mapped_column(String(200), default=_name_key_default, server_default="")
    search_text: Mapped[str] = mapped_column(Text, default=_search_text_default, server_default="")
    first_name: Mapped[str | None] = mapped_column(String(100))
    headline: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200))
    degree: Mapped[int | None] = mapped_column(Integer)
    birthday_month: Mapped[int | None] = mapped_column(Integer)
    birthday_day: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=ContactStatus.NEW, index=True)
    fit_score: Mapped[float | None] = mapped_column(Float)
    open_to_work: Mapped[bool] = mapped_column(Boolean, default=False)
    about: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    years_experience: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    work_history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    education: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    notes: Mapped[str | None] = mapped_column(Text)
    last_visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    interactions: Mapped[list[Interaction]] = relationship(back_populates="contact")


@event.listens_for(Contact, "before_update")
def _contact_keys_follow_name(_mapper: Mapper[Contact], _conn: Any, target: Contact) -> None:
    target.name_key = fold(target.name or "")
    target.search_text = contact_search_text(target.name, target.headline)


class Interaction(Base):
    """One thing done (or meant to be done) to one person. Quota history lives in quota_events,
    so forgetting a person can erase these texts without changing what was counted."""

    __tablename__ = "interactions"
    __table_args__ = (
        # One wish per person per birthday occurrence, whatever crashes in between.
        Index(
            "uq_interactions_birthday_once",
            "contact_id",
            "occurrence",
            unique=True,
            sqlite_where=text("kind = 'birthday'"),
            postgresql_where=text("kind = 'birthday'"),
        ),
        Index("ix_interactions_kind_state", "kind", "state"),
        CheckConstraint("state IN ('planned','sending','sent','failed','unknown')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=InteractionState.PLANNED)
    text: Mapped[str | None] = mapped_column(Text)
    template_id: Mapped[str | None] = mapped_column(String(100))
    occurrence: Mapped[date | None] = mapped_column(Date)
    days_late: Mapped[int | None] = mapped_column(Integer)
    campaign_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_runs.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(40), default="linkpilot")
    external_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    contact: Mapped[Contact | None] = relationship(back_populates="interactions")


def _blacklist_key_default(context: DefaultExecutionContext) -> str | None:
    name = _insert_params(context).get("name")
    return fold(name) if name else None


class BlacklistEntry(Base):
    __tablename__ = "blacklist"
    __table_args__ = (CheckConstraint("profile_url IS NOT NULL OR name IS NOT NULL", name="target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_url: Mapped[str | None] = mapped_column(String(300), index=True)
    name: Mapped[str | None] = mapped_column(String(200), index=True)
    # Folded name: an entry for "Éloïse Durand" also stops "eloise DURAND".
    name_key: Mapped[str | None] = mapped_column(String(200), index=True, default=_blacklist_key_default)
    reason: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(40), default="user")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


@event.listens_for(BlacklistEntry, "before_update")
def _blacklist_key_follows_name(_mapper: Mapper[BlacklistEntry], _conn: Any, target: BlacklistEntry) -> None:
    target.name_key = fold(target.name) if target.name else None


class SelectorStat(Base):
    __tablename__ = "selector_stats"
    __table_args__ = (UniqueConstraint("key", "candidate", name="uq_selector_stats_key_candidate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    candidate: Mapped[str] = mapped_column(Text)
    learned: Mapped[bool] = mapped_column(Boolean, default=False)
    successes: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuotaEvent(Base):
    """A unit of quota: reserved, then committed or released. Counting committed units and live
    reservations over a window gives the budget spent; nothing here is ever erased by forget."""

    __tablename__ = "quota_events"
    __table_args__ = (
        Index("ix_quota_events_action_at", "action", "at"),
        CheckConstraint("state IN ('reserved','committed','released')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="reserved")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    backend: Mapped[str] = mapped_column(String(20), default="sqlite")


class BreakerRecord(Base):
    __tablename__ = "breaker_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="closed")
    hard: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    trips: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)


class CampaignRun(Base):
    __tablename__ = "campaign_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign: Mapped[str] = mapped_column(String(20), index=True)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="running")
    stop_reason: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportRecord(Base):
    """Rows already brought in from a V1 database, so importing the same file twice adds nothing."""

    __tablename__ = "import_records"
    __table_args__ = (UniqueConstraint("source_table", "source_key", name="uq_import_records_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_table: Mapped[str] = mapped_column(String(40))
    source_key: Mapped[str] = mapped_column(String(300))
    target_id: Mapped[int | None] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class NotifyCause(Base):
    """A reason the owner was told LinkPilot stopped, open until it is resolved: one message per
    cause, so a restart or the next failure of the same kind sends nothing new."""

    __tablename__ = "notify_causes"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotifyMessage(Base):
    """One message to the owner (a cause opened or resolved, the digest, a test)."""

    __tablename__ = "notify_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cause_key: Mapped[str | None] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class NotifyDelivery(Base):
    """A message on its way to one channel. The channel is named by a fingerprint of its URL
    and a masked label: the URL itself (a secret) is never stored."""

    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "channel", name="uq_notify_deliveries_message_channel"),
        Index("ix_notify_deliveries_pending", "delivered_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("notify_messages.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(Text)
