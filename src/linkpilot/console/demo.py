"""What `linkpilot demo` puts together: the practice site, a throwaway data folder with a few
thousand sample contacts, a session for the site, and visible (but short) human pacing."""

from __future__ import annotations

import shutil
from pathlib import Path

from linkpilot.common.clock import utc_now
from linkpilot.common.errors import BadInput
from linkpilot.common.settings import Settings, load_settings
from linkpilot.engine.session.formats import li_at_cookie
from linkpilot.engine.session.store import SessionStore, StoredSession
from linkpilot.sandbox import SandboxConfig, World
from linkpilot.storage.contacts import add_new_contacts
from linkpilot.storage.database import Database

DEMO_PEOPLE = 3000
MARKER = ".linkpilot-demo"


def prepare_folder(folder: Path) -> None:
    """A demo folder starts afresh each time; a folder that is not one is never wiped."""
    marker = folder / MARKER
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise BadInput(f"--home: {folder} holds data that is not a LinkPilot demo's; choose an empty folder")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    marker.write_text("This folder belongs to `linkpilot demo` and is wiped at each start.\n")


def demo_settings(folder: Path, site_url: str) -> Settings:
    return load_settings(
        {},
        home=folder,
        linkedin_url=site_url,
        redis_url=None,
        pacing="human",
        # Visible pacing: a few seconds between people instead of minutes. Scrolling a list is
        # done without a person's pauses: they space the requests LinkedIn would see, and the
        # practice site is not LinkedIn, while the one watching would only wait for the plan.
        delays={
            "message_min_s": 2.0,
            "message_max_s": 4.0,
            "visit_min_s": 1.0,
            "visit_max_s": 2.0,
            "scroll_min_s": 0.0,
            "scroll_max_s": 0.0,
        },
        working_hours={"start": "00:00", "end": "24:00", "days": [0, 1, 2, 3, 4, 5, 6]},
        health_port=0,
    )


def sandbox_config(timezone: str) -> SandboxConfig:
    # The site's today is the product's: same clock, same zone.
    return SandboxConfig(seed=7, timezone=timezone, people=DEMO_PEOPLE)


def store_session(settings: Settings, li_at: str) -> None:
    SessionStore(settings).save(
        StoredSession(cookies=(li_at_cookie(li_at, "demo"),), source="demo", imported_at=utc_now())
    )


async def seed_contacts(db: Database, world: World) -> int:
    """The practice site's people as contacts, once: a second call on the same folder adds none."""
    people = (
        (
            f"/in/{person.slug}/",
            {
                "name": person.full_name,
                "first_name": person.first_name,
                "headline": person.headline,
                "location": person.location,
                "degree": person.degree,
                "birthday_month": person.birth_month,
                "birthday_day": person.birth_day,
                "open_to_work": person.open_to_work,
                "skills": list(person.skills),
                "languages": list(person.languages),
                "source": "demo",
            },
        )
        for person in world.people
    )
    async with db.transaction() as session:
        return await add_new_contacts(session, people)
