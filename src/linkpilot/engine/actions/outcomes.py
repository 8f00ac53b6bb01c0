"""Typed results of every action: what happened, never a bare bool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from playwright.async_api import Locator


class NavStatus(StrEnum):
    OK = "ok"
    HTTP_ERROR = "http_error"  # the site answered 4xx/5xx
    BLOCKED = "blocked"  # login wall, checkpoint, captcha, authwall or restriction page
    NOT_FOUND = "not_found"  # the page exists but the person does not
    NETWORK_ERROR = "network_error"  # no answer at all


@dataclass(frozen=True)
class Navigation:
    status: NavStatus
    url: str
    http_status: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is NavStatus.OK


class IdentityStatus(StrEnum):
    MATCH = "match"
    NAME_MISMATCH = "name_mismatch"
    SLUG_MISMATCH = "slug_mismatch"
    NO_NAME = "no_name"  # the top card shows no name


@dataclass(frozen=True)
class ProfileOpen:
    """The result of opening a profile and checking it is the intended person."""

    navigation: Navigation
    identity: IdentityStatus | None = None
    shown_name: str | None = None
    final_slug: str | None = None
    top_card: Locator | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.navigation.ok and self.identity is IdentityStatus.MATCH


@dataclass(frozen=True)
class ThreadMessage:
    sender: str
    text: str
    at: datetime | None
    from_me: bool


class SendStatus(StrEnum):
    SENT = "sent"  # the bubble with our text is the newest item of the thread
    UNCONFIRMED = "unconfirmed"  # Send was clicked but the bubble never showed: state unknown
    SKIPPED = "skipped"  # a hook decided not to send (an earlier wish in the thread, say)
    THREAD_UNREADABLE = "thread_unreadable"  # the thread shows messages we cannot read: not sent
    NOT_FIRST_DEGREE = "not_first_degree"  # Connect/Follow instead of Message
    TARGET_NOT_FOUND = "target_not_found"  # no card / profile for that slug
    WRONG_PERSON = "wrong_person"  # the profile or card shows someone else
    RECIPIENT_MISMATCH = "recipient_mismatch"  # the dialog is addressed to someone else
    DIALOG_FAILED = "dialog_failed"  # the message dialog did not open or lacks its parts
    SEND_FAILED = "send_failed"  # text could not be typed or Send could not be clicked
    NAVIGATION_FAILED = "navigation_failed"  # HTTP error, blocked page, network error


@dataclass(frozen=True)
class SendOutcome:
    status: SendStatus
    slug: str
    detail: str = ""
    clicked: bool = False  # whether Send was clicked: if so, never retry blindly
    navigation: Navigation | None = None
    thread: tuple[ThreadMessage, ...] = ()

    @property
    def sent(self) -> bool:
        return self.status is SendStatus.SENT


class DialogStatus(StrEnum):
    OPEN = "open"
    NOT_FIRST_DEGREE = "not_first_degree"
    TARGET_NOT_FOUND = "target_not_found"
    WRONG_PERSON = "wrong_person"
    NO_DIALOG = "no_dialog"
    RECIPIENT_MISMATCH = "recipient_mismatch"


@dataclass(frozen=True)
class ExperienceItem:
    title: str
    company: str | None
    date_text: str | None
    location: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class EducationItem:
    school: str
    degree: str | None
    date_text: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ProfileData:
    slug: str
    url: str
    name: str
    headline: str | None
    location: str | None
    degree: int | None
    open_to_work: bool
    about: str | None
    experience: tuple[ExperienceItem, ...] = ()
    education: tuple[EducationItem, ...] = ()
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


class VisitStatus(StrEnum):
    VISITED = "visited"
    WRONG_PERSON = "wrong_person"
    NAVIGATION_FAILED = "navigation_failed"
    INCOMPLETE = "incomplete"  # the page opened but the top card could not be read


@dataclass(frozen=True)
class VisitOutcome:
    status: VisitStatus
    slug: str
    profile: ProfileData | None = None
    navigation: Navigation | None = None
    detail: str = ""


@dataclass(frozen=True)
class UnreadItem:
    """An item a list page shows (a card with a profile link) whose facts did not all resolve."""

    slug: str | None
    name: str | None
    missing: tuple[str, ...]  # the selector keys (or facts) that did not resolve


@dataclass(frozen=True)
class BirthdayCard:
    name: str
    slug: str
    status_text: str
    is_first_degree: bool
    date_attr: str | None = None


@dataclass(frozen=True)
class BirthdayPage:
    navigation: Navigation
    cards: tuple[BirthdayCard, ...] = ()
    passes: int = 0  # scroll or "Show more" passes made to load the list
    unread: tuple[UnreadItem, ...] = ()  # anything here: the page cannot be trusted
    pages: int = 1  # numbered pages walked


@dataclass(frozen=True)
class SearchResult:
    slug: str
    url: str
    name: str


@dataclass(frozen=True)
class SearchPage:
    navigation: Navigation
    page: int
    results: tuple[SearchResult, ...] = ()
    has_next: bool = False
    next_url: str | None = None
    unread: tuple[UnreadItem, ...] = ()


@dataclass(frozen=True)
class SentInvitation:
    name: str
    slug: str
    age_text: str
    sent_on: str | None = None  # the <time datetime> value when the page gives one


@dataclass(frozen=True)
class InvitationsPage:
    navigation: Navigation
    invitations: tuple[SentInvitation, ...] = ()
    unread: tuple[UnreadItem, ...] = ()
    pages: int = 1


class WithdrawStatus(StrEnum):
    WITHDRAWN = "withdrawn"
    NOT_FOUND = "not_found"  # no card for that slug
    NO_BUTTON = "no_button"
    NO_CONFIRM_DIALOG = "no_confirm_dialog"
    WRONG_PERSON = "wrong_person"  # the confirm dialog names someone else: cancelled
    STILL_PRESENT = "still_present"  # confirmed, but the card did not go away
    NAVIGATION_FAILED = "navigation_failed"


@dataclass(frozen=True)
class WithdrawOutcome:
    status: WithdrawStatus
    slug: str
    clicked_confirm: bool = False
    navigation: Navigation | None = None
    detail: str = ""
