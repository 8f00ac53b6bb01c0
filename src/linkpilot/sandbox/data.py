"""Deterministic sample world: people, conversation threads and sent invitations.

Everything comes from ``random.Random(config.seed)`` and the site's today (the pinned
``config.today``, else its clock's date in its zone) so tests can rebuild the very same world
and compute what the engine ought to do.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from linkpilot.sandbox.config import SandboxConfig

Sender = Literal["me", "them"]

FIRST_NAMES = (
    "Sophie",
    "Lucas",
    "Camille",
    "Hugo",
    "Léa",
    "Louis",
    "Chloé",
    "Gabriel",
    "Manon",
    "Jules",
    "Emma",
    "Arthur",
    "Inès",
    "Nathan",
    "Sarah",
    "Tom",
    "Julie",
    "Paul",
    "Laura",
    "Antoine",
    "Clara",
    "Maxime",
    "Alice",
    "Romain",
    "Pauline",
    "Nicolas",
    "Elise",
    "Olivier",
    "Hélène",
    "Julien",
    "Margaux",
    "Vincent",
    "Aurélie",
    "Benoît",
    "Céline",
    "David",
    "Emily",
    "James",
    "Olivia",
    "Noah",
    "Ava",
    "Liam",
    "Mia",
    "Ethan",
    "Grace",
    "Daniel",
    "Hannah",
    "Samuel",
    "Zoe",
    "Oscar",
    "Ruby",
    "Leo",
    "Isla",
    "Adam",
    "Nora",
    "Yasmine",
    "Karim",
    "Mehdi",
    "Amira",
    "Priya",
    "Ravi",
    "Mei",
    "Kenji",
    "Sofia",
    "Mateo",
    "Lucia",
    "Björn",
    "Ingrid",
    "Anaïs",
    "Florian",
)
LAST_NAMES = (
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Carter",
)
CITIES = (
    ("Paris, Île-de-France, France", "fr"),
    ("Lyon, Auvergne-Rhône-Alpes, France", "fr"),
    ("Bordeaux, Nouvelle-Aquitaine, France", "fr"),
    ("Nantes, Pays de la Loire, France", "fr"),
    ("Lille, Hauts-de-France, France", "fr"),
    ("Brussels, Brussels Region, Belgium", "fr"),
    ("Montreal, Quebec, Canada", "fr"),
    ("London, England, United Kingdom", "en"),
    ("Berlin, Germany", "en"),
    ("Amsterdam, North Holland, Netherlands", "en"),
    ("Dublin, County Dublin, Ireland", "en"),
    ("New York, New York, United States", "en"),
)
COMPANIES = (
    "Acme Analytics",
    "Globex",
    "Initech",
    "Umbrella Labs",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Soylent",
    "Vandelay Industries",
    "Cyberdyne",
    "Tyrell Corp",
    "Massive Dynamic",
    "Aperture Science",
    "Nakatomi Trading",
    "Gringotts",
    "Oscorp",
)
# (English title, French title, seniority 1..6, skills)
ROLES = (
    ("Software Engineer", "Ingénieur logiciel", 2, ("Python", "Go", "Kubernetes", "SQL")),
    ("Senior Data Engineer", "Ingénieur données senior", 3, ("Python", "SQL", "Spark", "Airflow")),
    ("Data Scientist", "Data scientist", 3, ("Python", "Machine Learning", "Statistics")),
    ("Product Manager", "Chef de produit", 3, ("Product Management", "Roadmapping", "SQL")),
    ("UX Designer", "Designer UX", 2, ("UX Design", "Figma", "User Research")),
    ("Marketing Intern", "Stagiaire marketing", 1, ("Marketing", "Social Media", "Canva")),
    ("Account Executive", "Chargé d'affaires", 2, ("Sales", "Negotiation", "CRM")),
    ("Head of Sales", "Directeur commercial", 4, ("Sales", "Leadership", "Negotiation")),
    ("Engineering Director", "Directeur de l'ingénierie", 4, ("Leadership", "Go", "Rust")),
    ("VP Engineering", "VP Ingénierie", 5, ("Leadership", "Strategy", "Kubernetes")),
    ("Chief Technology Officer", "Directeur technique (CTO)", 6, ("Strategy", "Leadership")),
    ("Talent Acquisition Partner", "Chargée de recrutement", 2, ("Recruiting", "Sourcing")),
    ("DevOps Engineer", "Ingénieur DevOps", 3, ("Kubernetes", "Terraform", "Linux", "Go")),
    ("Accountant", "Comptable", 2, ("Accounting", "Excel", "IFRS")),
    ("Rust Developer", "Développeur Rust", 3, ("Rust", "Linux", "Embedded Systems")),
)
SCHOOLS = (
    ("Université Paris-Saclay", "Master's degree, Computer Science"),
    ("INSA Lyon", "Engineer's degree, Software Engineering"),
    ("HEC Paris", "MBA, Business Administration"),
    ("University of Manchester", "BSc, Mathematics"),
    ("Sciences Po", "Master's degree, Public Policy"),
    ("Trinity College Dublin", "BA, Economics"),
    ("EPFL", "Master's degree, Data Science"),
)
LANGUAGE_NAMES = (
    ("English", "Full professional proficiency"),
    ("French", "Native or bilingual proficiency"),
    ("Spanish", "Limited working proficiency"),
    ("German", "Elementary proficiency"),
)


@dataclass(frozen=True)
class Experience:
    title: str
    company: str
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int] | None  # None means "Present"
    location: str


@dataclass(frozen=True)
class Education:
    school: str
    degree: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class Person:
    slug: str
    full_name: str
    first_name: str
    last_name: str
    degree: int  # 1, 2 or 3
    birth_month: int
    birth_day: int
    headline: str
    location: str
    about: str
    experience: tuple[Experience, ...]
    education: tuple[Education, ...]
    skills: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]
    open_to_work: bool
    seniority: int  # LinkedIn's seniorityIncluded scale, 1 (entry) .. 6 (CXO)
    profile_language: str  # "en" or "fr"
    # Why this person exists in the fixed cast ("homonym", "thierry", ...), "" for filler.
    role: str = ""

    def searchable_text(self) -> str:
        parts = [self.full_name, self.headline, self.about, *self.skills]
        for exp in self.experience:
            parts += [exp.title, exp.company]
        return " ".join(parts)


@dataclass(frozen=True)
class Message:
    sender: Sender
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class Invitation:
    slug: str
    name: str
    headline: str
    sent_on: dt.date


@dataclass
class World:
    config: SandboxConfig
    today: dt.date
    people: list[Person]
    invitations: list[Invitation]
    threads: dict[str, list[Message]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug: dict[str, Person] = {p.slug: p for p in self.people}

    def birthday_cards(self) -> list[tuple[Person, int]]:
        """People listed on the birthday page with their days since birthday, page order."""
        today = self.today
        window = self.config.birthday_window_days
        found = [(p, days_since_birthday(p.birth_month, p.birth_day, today)) for p in self.people]
        listed = [(p, d) for p, d in found if d <= window]
        listed.sort(key=lambda item: (item[1], item[0].full_name, item[0].slug))
        return listed

    def also_viewed(self, person: Person, count: int = 5) -> list[Person]:
        """Other people shown in a profile's sidebar, stable for a given profile."""
        rng = random.Random(f"{self.config.seed}:{person.slug}")
        others = [p for p in self.people if p.slug != person.slug]
        picks = rng.sample(others, min(count, len(others)))
        # Always include a 1st-degree person so the sidebar offers a tempting Message button.
        if not any(p.degree == 1 for p in picks):
            first = next((p for p in others if p.degree == 1), None)
            if first is not None:
                picks[-1] = first
        return picks


def birthday_in_year(month: int, day: int, year: int) -> dt.date:
    """The day a birthday is celebrated in ``year``: 29 February falls back to the 28th."""
    if month == 2 and day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def days_since_birthday(month: int, day: int, today: dt.date) -> int:
    """Days since the latest celebration on or before ``today`` (crosses New Year)."""
    this_year = birthday_in_year(month, day, today.year)
    if this_year <= today:
        return (today - this_year).days
    return (today - birthday_in_year(month, day, today.year - 1)).days


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Builder:
    def __init__(self, config: SandboxConfig, today: dt.date) -> None:
        self.config = config
        self.today = today
        self.rng = random.Random(config.seed)
        self.people: list[Person] = []
        self.names: set[str] = set()
        self.slugs: set[str] = set()

    def slug_for(self, first: str, last: str) -> str:
        base = _ascii(f"{first}-{last}").lower().replace(" ", "-").replace(".", "")
        while True:
            slug = f"{base}-{self.rng.randrange(16**6):06x}"
            if slug not in self.slugs:
                self.slugs.add(slug)
                return slug

    def fresh_name(self) -> tuple[str, str]:
        for _ in range(50):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.names and first != "Thierry":
                return first, last
        # Large demo worlds run out of pairs: a middle initial keeps full names unique.
        while True:
            first = f"{self.rng.choice(FIRST_NAMES)} {chr(65 + self.rng.randrange(26))}."
            last = self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.names:
                return first, last

    def avoid_window(self) -> tuple[int, int]:
        """A random birthday outside the birthday page's window, for predictable casts."""
        while True:
            day = dt.date(2001, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            if days_since_birthday(day.month, day.day, self.today) > (self.config.birthday_window_days + 2):
                return day.month, day.day

    def person(
        self,
        *,
        degree: int,
        birthday: tuple[int, int] | None = None,
        days_ago: int | None = None,
        name: tuple[str, str] | None = None,
        role: str = "",
    ) -> Person:
        rng = self.rng
        today = self.today
        first, last = name if name is not None else self.fresh_name()
        full = f"{first} {last}"
        self.names.add(full)
        if days_ago is not None:
            when = today - dt.timedelta(days=days_ago)
            month, day = when.month, when.day
        elif birthday is not None:
            month, day = birthday
        else:
            when = dt.date(2001, 1, 1) + dt.timedelta(days=rng.randrange(365))
            month, day = when.month, when.day
        location, profile_language = rng.choice(CITIES)
        role_en, role_fr, seniority, role_skills = rng.choice(ROLES)
        company = rng.choice(COMPANIES)
        title = role_fr if profile_language == "fr" else role_en
        joiner = "chez" if profile_language == "fr" else "at"
        headline = f"{title} {joiner} {company}"
        experience = self.experience(title, company, location)
        school, diploma = rng.choice(SCHOOLS)
        grad = today.year - rng.randrange(2, 20)
        extra = rng.sample(["Git", "Communication", "Agile", "Public Speaking", "Excel"], 2)
        skills = tuple(dict.fromkeys([*role_skills, *extra]))
        languages = tuple(rng.sample(LANGUAGE_NAMES, rng.randrange(1, 4)))
        about = (
            f"{first} works on {role_skills[0].lower()} problems at {company}. "
            f"Previously {experience[-1].title} at {experience[-1].company}."
        )
        person = Person(
            slug=self.slug_for(first, last),
            full_name=full,
            first_name=first,
            last_name=last,
            degree=degree,
            birth_month=month,
            birth_day=day,
            headline=headline,
            location=location,
            about=about,
            experience=experience,
            education=(Education(school, diploma, grad - rng.choice((3, 5)), grad),),
            skills=skills,
            languages=languages,
            open_to_work=rng.random() < 0.2,
            seniority=seniority,
            profile_language=profile_language,
            role=role,
        )
        self.people.append(person)
        return person

    def experience(self, title: str, company: str, location: str) -> tuple[Experience, ...]:
        rng = self.rng
        today = self.today
        items: list[Experience] = []
        end: tuple[int, int] | None = None
        if rng.random() < 0.15:
            end = (today.year - rng.randrange(0, 2), rng.randrange(1, 13))
        cursor_year = (end[0] if end else today.year) - rng.randrange(0, 6)
        start = (cursor_year, rng.randrange(1, 13))
        if end is not None and start > end:
            start = (end[0] - 1, start[1])
        items.append(Experience(title, company, start, end, location))
        for _ in range(rng.randrange(0, 3)):
            prev_end = (start[0] - (1 if start[1] == 1 else 0), 12 if start[1] == 1 else start[1] - 1)
            prev_start = (prev_end[0] - rng.randrange(1, 5), rng.randrange(1, 13))
            role_en, _fr, _s, _k = rng.choice(ROLES)
            items.append(Experience(role_en, rng.choice(COMPANIES), prev_start, prev_end, location))
            start = prev_start
        return tuple(items)


def _local_at(zone: ZoneInfo) -> Callable[[dt.date, int, int], dt.datetime]:
    """Thread times are the member's local times: "this morning" is this morning where they are."""

    def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)

    return at


def build_world(config: SandboxConfig) -> World:
    """Build the fixed cast (every trap the engine must handle) plus random filler."""
    today = config.local_today()
    _at = _local_at(config.zone)
    b = _Builder(config, today)
    threads: dict[str, list[Message]] = {}

    # Birthdays today: several 1st-degree, one already wished this morning, one 2nd-degree.
    b.person(degree=1, days_ago=0, role="today")
    b.person(degree=1, days_ago=0, role="today")
    wished = b.person(degree=1, days_ago=0, role="already-wished")
    b.person(degree=2, days_ago=0, role="connect-trap")
    homonym_a = b.person(degree=1, days_ago=0, name=("Marie", "Martin"), role="homonym")
    # Yesterday, with last year's wish in the thread (which must not count as this year's).
    wished_last_year = b.person(degree=1, days_ago=1, role="wished-last-year")
    b.person(degree=3, days_ago=1, role="follow-trap")
    # Two days ago: the other homonym ("avant-hier" in French).
    homonym_b = b.person(degree=1, days_ago=2, name=("Marie", "Martin"), role="homonym")
    b.person(degree=1, days_ago=2, role="late")
    for days in range(3, 13):
        b.person(degree=1, days_ago=days, role="late")
    # "Thierry" contains "hier": its status line is several days old, not yesterday.
    b.person(degree=1, days_ago=5, name=("Thierry", "Lemoine"), role="thierry")
    b.person(degree=2, days_ago=6, role="connect-trap")
    b.person(degree=1, days_ago=13, role="late")
    b.person(degree=1, birthday=(2, 29), role="leap-day")

    # Conversation history, so the engine can read threads before sending.
    # This morning's wish came right after another message of ours: LinkedIn shows it grouped,
    # without a name or a time of its own. It still counts as this year's wish.
    threads[wished.slug] = [
        Message("them", "Thanks for the intro last month!", _at(today - dt.timedelta(days=40), 17, 5)),
        Message(
            "me", f"Good morning {wished.first_name}, a quick one before your day starts.", _at(today, 8, 10)
        ),
        Message("me", f"Happy birthday {wished.first_name}! Have a great day.", _at(today, 8, 12)),
    ]
    threads[wished_last_year.slug] = [
        Message(
            "me",
            f"Happy birthday {wished_last_year.first_name}!",
            _at(today - dt.timedelta(days=366), 9, 30),
        ),
        Message("them", "Thank you so much!", _at(today - dt.timedelta(days=366), 12, 1)),
    ]
    threads[homonym_a.slug] = [
        Message("them", "Great meeting you at the conference.", _at(today - dt.timedelta(days=90), 10, 0)),
    ]
    threads[homonym_b.slug] = [
        Message(
            "me", "Hi Marie, are you still at the Lyon office?", _at(today - dt.timedelta(days=200), 14, 20)
        ),
        Message("them", "Yes, still there!", _at(today - dt.timedelta(days=199), 8, 45)),
    ]

    # People with pending invitations: not connected, birthdays away from the window.
    ages = (0, 1, 3, 6, 8, 15, 22, 35, 65, 95, 190, 330, 400, 800)
    invitations: list[Invitation] = []
    for age in ages:
        invitee = b.person(degree=2 if age % 2 else 3, birthday=b.avoid_window(), role="invited")
        invitations.append(
            Invitation(invitee.slug, invitee.full_name, invitee.headline, today - dt.timedelta(days=age))
        )

    while len(b.people) < config.people:
        roll = b.rng.random()
        degree = 1 if roll < 0.6 else 2 if roll < 0.85 else 3
        person = b.person(degree=degree)
        if degree == 1 and b.rng.random() < 0.1:
            threads[person.slug] = [
                Message(
                    "them",
                    f"Hi, it's {person.first_name}. Nice to connect!",
                    _at(today - dt.timedelta(days=b.rng.randrange(30, 700)), 11, 0),
                ),
            ]
    return World(config=config, today=today, people=b.people, invitations=invitations, threads=threads)
