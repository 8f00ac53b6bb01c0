"""Settings: embedded defaults, then a TOML file (LINKPILOT_CONFIG), then LINKPILOT_* variables.

Every key is declared here; an unknown key or a bad value is refused with one line that names
the key and where it came from (the file path or the environment variable).
"""

from __future__ import annotations

import base64
import binascii
import os
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from linkpilot.common.clock import local_zone_name
from linkpilot.common.errors import ConfigError
from linkpilot.common.pydantic_overrides import skip_plugin_discovery

skip_plugin_discovery()  # before the first model below is built: see pydantic_overrides

ENV_PREFIX = "LINKPILOT_"
CONFIG_ENV = "LINKPILOT_CONFIG"
MAX_SETTINGS_BYTES = 1024 * 1024  # a settings file is a few KB
MAKE_FERNET_KEY = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def _local(value: time) -> time:
    # Hours are read in the configured time zone; an offset would also make them incomparable.
    if value.tzinfo is not None:
        raise ValueError("must be a local time without a UTC offset (the timezone setting applies)")
    return value


LocalTime = Annotated[time, AfterValidator(_local)]
MIDNIGHT = time(0)


def _end_of_day(value: object) -> object:
    # "24:00" is how people write "until midnight"; datetime.time has no 24:00, so it is 00:00.
    return MIDNIGHT if isinstance(value, str) and value.strip() in ("24:00", "24:00:00") else value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class ActionLimits(_Section):
    per_run: int = Field(ge=0, le=10_000)
    per_day: int = Field(ge=0, le=10_000)
    per_week: int = Field(ge=0, le=70_000)

    @model_validator(mode="after")
    def _coherent(self) -> ActionLimits:
        if self.per_day > self.per_week:
            raise ValueError("per_day cannot exceed per_week")
        return self


class Limits(_Section):
    """LinkedIn publishes almost none; these are what careful users run with."""

    messages: ActionLimits = ActionLimits(per_run=15, per_day=15, per_week=100)
    profile_visits: ActionLimits = ActionLimits(per_run=50, per_day=80, per_week=400)
    invitation_withdrawals: ActionLimits = ActionLimits(per_run=30, per_day=30, per_week=100)
    searches_per_month: int = Field(default=300, ge=0, le=100_000)
    warmup_days: int = Field(default=0, ge=0, le=90, description="0 switches the warm-up ramp off")


class WorkingHours(_Section):
    """`end` of 24:00 (or 00:00) runs to midnight; 00:00 to 24:00 is always open."""

    start: LocalTime = time(7, 0)
    end: Annotated[LocalTime, BeforeValidator(_end_of_day)] = time(19, 0)
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.end != MIDNIGHT and self.start >= self.end:
            raise ValueError("start must be before end")
        if any(d < 0 or d > 6 for d in self.days):
            raise ValueError("days are 0 (Monday) to 6 (Sunday)")
        return self

    def contains(self, local: time) -> bool:
        """Whether a local time of day lies in the hours (days aside)."""
        return self.start <= local and (self.end == MIDNIGHT or local < self.end)

    def on(self, day: date, zone: tzinfo) -> tuple[datetime, datetime]:
        """The hours of one local day as aware instants: [start, end)."""
        close = day + timedelta(days=1) if self.end == MIDNIGHT else day
        return datetime.combine(day, self.start, tzinfo=zone), datetime.combine(close, self.end, tzinfo=zone)


class Delays(_Section):
    message_min_s: float = Field(default=90.0, ge=0)
    message_max_s: float = Field(default=180.0, ge=0)
    visit_min_s: float = Field(default=20.0, ge=0)
    visit_max_s: float = Field(default=60.0, ge=0)
    # Between two scrolls of a long list (each may ask the site for more).
    scroll_min_s: float = Field(default=0.4, ge=0)
    scroll_max_s: float = Field(default=1.4, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Delays:
        if (
            self.message_min_s > self.message_max_s
            or self.visit_min_s > self.visit_max_s
            or self.scroll_min_s > self.scroll_max_s
        ):
            raise ValueError("a minimum delay exceeds its maximum")
        return self


class Birthday(_Section):
    late_days: int = Field(default=10, ge=0, le=60)
    templates_dir: Path | None = None
    no_repeat_years: int = Field(default=2, ge=0, le=20)


class FitWeights(_Section):
    """Weights of the sourcing fit score (docs/campaign-rules.md); only their ratios matter."""

    keywords: float = Field(default=50.0, ge=0, le=1000)
    experience: float = Field(default=25.0, ge=0, le=1000)
    location: float = Field(default=15.0, ge=0, le=1000)
    open_to_work: float = Field(default=10.0, ge=0, le=1000)
    target_years: float = Field(default=5.0, gt=0, le=60, description="years of experience worth a full part")

    @model_validator(mode="after")
    def _some_weight(self) -> FitWeights:
        if self.keywords + self.experience + self.location + self.open_to_work <= 0:
            raise ValueError("at least one fit weight must be above 0")
        return self


class Sourcing(_Section):
    keywords: str = ""
    titles: tuple[str, ...] = ()
    seniority: tuple[str, ...] = ()
    profile_languages: tuple[str, ...] = ()
    location_keywords: tuple[str, ...] = ()
    max_pages: int = Field(default=5, ge=1, le=100)
    stop_after_empty_pages: int = Field(default=2, ge=1, le=100)
    revisit_after_days: int = Field(default=30, ge=0, le=3650)
    fit: FitWeights = FitWeights()


class Invitations(_Section):
    older_than_days: int = Field(default=90, ge=1, le=3650)
    max_per_run: int = Field(default=30, ge=0, le=1000)


class Breaker(_Section):
    failure_threshold: int = Field(default=3, ge=1, le=100)
    backoff_initial_s: float = Field(default=300.0, gt=0)
    backoff_max_s: float = Field(default=6 * 3600.0, gt=0)


class CampaignSchedule(_Section):
    """A daily window in which the console or `linkpilot serve` starts a campaign once, at a
    random minute, on the given weekdays (0 is Monday)."""

    enabled: bool = False
    start: LocalTime = time(8, 0)
    end: LocalTime = time(10, 0)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    dry_run: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> CampaignSchedule:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        if not self.days or any(d < 0 or d > 6 for d in self.days):
            raise ValueError("days are 0 (Monday) to 6 (Sunday), at least one")
        return self


class Schedule(_Section):
    birthday: CampaignSchedule = CampaignSchedule()
    sourcing: CampaignSchedule = CampaignSchedule()
    invitations: CampaignSchedule = CampaignSchedule()


MAX_NOTIFY_URLS = 20
NOTIFY_URL_MAX_CHARS = 2048


def _channel_url(url: str) -> str:
    # Only the shape is checked here (every command loads settings, and Apprise takes half a
    # second to import); whether Apprise knows the scheme is for `config check` and the notifier.
    # The URL is never echoed: it usually carries a token or a password.
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not rest or not scheme.replace("+", "").isalnum():
        raise ValueError("a notification URL must look like SCHEME://..., e.g. ntfy://ntfy.sh/TOPIC")
    if len(url) > NOTIFY_URL_MAX_CHARS or any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError(
            f"a notification URL holds a space or control character, or is over {NOTIFY_URL_MAX_CHARS} characters"
        )
    return url


class Notify(_Section):
    """Where the owner hears that LinkPilot stopped (docs/notifications.md)."""

    # One Apprise URL per channel; they hold tokens and passwords: masked wherever shown.
    urls: tuple[Annotated[str, AfterValidator(_channel_url)], ...] = Field(default=(), repr=False)
    session_warning_days: int = Field(default=7, ge=0, le=60)
    digest: bool = False
    digest_at: LocalTime = time(20, 0)
    # A delivery that fails is tried again after retry_initial_s, doubling up to retry_max_s,
    # at most max_attempts times.
    retry_initial_s: float = Field(default=30.0, gt=0, le=86_400)
    retry_max_s: float = Field(default=3600.0, gt=0, le=86_400)
    max_attempts: int = Field(default=10, ge=1, le=100)
    # How long a command that ends (`run`, `serve` on SIGTERM) waits for pending deliveries;
    # what is left stays queued for the next LinkPilot process.
    exit_wait_s: float = Field(default=5.0, ge=0, le=60)

    @field_validator("urls")
    @classmethod
    def _bounded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) > MAX_NOTIFY_URLS:
            raise ValueError(f"at most {MAX_NOTIFY_URLS} notification URLs")
        if len(set(value)) != len(value):
            raise ValueError("a notification URL is listed twice")
        return value


class ConsoleSettings(_Section):
    # Binding id -> key, e.g. {"campaign.birthday" = "B"}; ids are listed by F1 and docs/console.md.
    keymap: dict[str, str] = Field(default_factory=dict)


class ClockSettings(_Section):
    """The clock guard: how far this box's clock may be from the site's before nothing acts."""

    tolerance_minutes: float = Field(default=5.0, gt=0, le=24 * 60)
    # Off only for tests that make the clocks disagree on purpose.
    guard: bool = True

    @property
    def tolerance(self) -> timedelta:
        return timedelta(minutes=self.tolerance_minutes)


class Settings(_Section):
    home: Path = Path("~/.local/share/linkpilot")
    linkedin_url: str = "https://www.linkedin.com"
    # URLs may carry passwords: keep them out of reprs, logs and tracebacks.
    database_url: str | None = Field(default=None, repr=False)
    redis_url: str | None = Field(default=None, repr=False)
    secret_key: SecretStr | None = None
    pacing: Literal["human", "fast"] = "human"
    # The box's own zone unless set: a user in New York is not a day ahead every evening.
    timezone: str = Field(default_factory=local_zone_name)
    clock: ClockSettings = ClockSettings()
    chromium: Path | None = None
    health_host: str = "127.0.0.1"
    health_port: int = Field(default=8765, ge=0, le=65535)
    limits: Limits = Limits()
    working_hours: WorkingHours = WorkingHours()
    delays: Delays = Delays()
    birthday: Birthday = Birthday()
    sourcing: Sourcing = Sourcing()
    invitations: Invitations = Invitations()
    breaker: Breaker = Breaker()
    schedule: Schedule = Schedule()
    console: ConsoleSettings = ConsoleSettings()
    notify: Notify = Notify()

    @field_validator("home", "chromium")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("linkedin_url")
    @classmethod
    def _origin(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) origin such as https://www.linkedin.com")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("must be an origin only, with no path")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("secret_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        # What Fernet itself requires; checked here so every command refuses it before acting.
        if value is None:
            return None
        try:
            ok = len(base64.urlsafe_b64decode(value.get_secret_value().strip().encode())) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"not a Fernet key (32 bytes, url-safe base64; make one with {MAKE_FERNET_KEY})")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Never echoed: the URL may hold the Redis password.
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (reading it checks the port is a number in range)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must be a redis://HOST[:PORT][/DB], rediss:// or unix:///PATH URL")
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError("must name a host, e.g. redis://127.0.0.1:6379/0")
        if parts.scheme == "unix" and not parts.path:
            raise ValueError("must name a socket, e.g. unix:///run/redis/redis.sock")
        db = parts.path.strip("/")
        if parts.scheme != "unix" and db and not db.isdigit():
            raise ValueError("the database after the host must be a number, e.g. redis://127.0.0.1:6379/0")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        return self.home / "linkpilot.db"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.sqlite_path}"


SECRET_KEYS = frozenset({"secret_key"})


def _set_nested(target: dict[str, Any], path: list[str], value: Any) -> None:
    node = target
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"{'.'.join(path)}: {part} is not a section")
        node = child
    node[path[-1]] = value


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _known(model: type[BaseModel], path: list[str]) -> bool:
    current: type[BaseModel] = model
    for i, part in enumerate(path):
        field = current.model_fields.get(part)
        if field is None:
            return False
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            current = ann
        elif i != len(path) - 1:
            return False
    return True


def _env_layer(environ: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn LINKPILOT_A__B=v into {"a": {"b": "v"}}; remember which variable set each key."""
    data: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX) :].split("__")]
        if not all(path) or not _known(Settings, path):
            raise ConfigError(f"unknown setting {'.'.join(path)} (from environment variable {name})")
        value: Any = raw
        if raw.startswith(("[", "{")):
            # Lists such as LINKPILOT_SOURCING__TITLES='["CTO", "VP"]' are written as TOML values.
            try:
                value = tomllib.loads(f"v = {raw}")["v"]
            except tomllib.TOMLDecodeError as exc:
                # The value itself is never echoed: it may be a secret.
                key = ".".join(path)
                raise ConfigError(
                    f"{key}: not a valid TOML value (from environment variable {name}): {exc}"
                ) from None
        _set_nested(data, path, value)
        origin[".".join(path)] = f"environment variable {name}"
    return data, origin


def _file_layer(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    where = str(path)
    try:
        # Bounded: /dev/zero or an endless pipe given by mistake must not fill the memory.
        with path.open("rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"settings file not found: {where}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {where}: {exc.strerror}") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise ConfigError(f"settings file is larger than {MAX_SETTINGS_BYTES // 1024} KB: {where}")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"settings file is not UTF-8 text: {where}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file is not valid TOML: {where}: {exc}") from None
    origin: dict[str, str] = {}

    def walk(node: Mapping[str, Any], prefix: list[str]) -> None:
        for key, value in node.items():
            path_ = [*prefix, key]
            if not _known(Settings, path_):
                raise ConfigError(f"unknown setting {'.'.join(path_)} in {where}")
            if isinstance(value, Mapping) and not _is_leaf(path_):
                walk(value, path_)
            else:
                origin[".".join(path_)] = where

    walk(data, [])
    return data, origin


def _is_leaf(path: list[str]) -> bool:
    current: type[BaseModel] = Settings
    for part in path:
        ann = current.model_fields[part].annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            current = ann
        else:
            return True
    return False


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the effective settings; raise ConfigError with one line on any problem."""
    env = os.environ if environ is None else environ
    # Layers merge over the full default tree, so a file or variable may set one nested key.
    data: dict[str, Any] = Settings().model_dump()
    origin: dict[str, str] = {}
    config_path = env.get(CONFIG_ENV)
    if config_path:
        file_data, file_origin = _file_layer(Path(config_path).expanduser())
        data = _merge(data, file_data)
        origin.update(file_origin)
    env_data, env_origin = _env_layer(env)
    data = _merge(data, env_data)
    origin.update(env_origin)
    data = _merge(data, overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"]) or "settings"
        where = _where(origin, key)
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{key}: {message}{where}") from None


def _where(origin: Mapping[str, str], key: str) -> str:
    probe = key
    while probe:
        if probe in origin:
            return f" (from {origin[probe]})"
        probe = probe.rpartition(".")[0]
    for known, source in origin.items():
        if known.startswith(key + "."):
            return f" (from {source})"
    return " (default)"


def masked_dump(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data, secrets replaced by a mask."""
    data = settings.model_dump(mode="json")
    for key in SECRET_KEYS:
        if data.get(key) is not None:
            data[key] = "********"
    if data.get("redis_url"):
        data["redis_url"] = _mask_url_password(data["redis_url"])
    if data.get("database_url"):
        data["database_url"] = _mask_url_password(data["database_url"])
    notify = data.get("notify") or {}
    if notify.get("urls"):
        notify["urls"] = [mask_channel_url(url) for url in notify["urls"]]
    return data


def mask_channel_url(url: str) -> str:
    """Only the scheme: a notification URL's host, path and query may all be its token."""
    scheme = url.partition("://")[0]
    return f"{scheme}://********"


def _mask_url_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":********@")
        return parts._replace(netloc=netloc).geturl()
    return url
