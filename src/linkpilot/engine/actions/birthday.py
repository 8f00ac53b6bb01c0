"""The birthday page: load every card, read each by meaning, find one by profile slug.

A card is read when its person (one profile slug, a name), its status line (an element the
status recogniser accepts, else a text of the card it accepts) and its button (Message, or
Connect/Follow for someone not 1st-degree) all resolve. A card that does not read fully is
reported, never guessed: the campaign then acts on nobody.
"""

from __future__ import annotations

from playwright.async_api import Locator

from linkpilot.engine.actions.base import BIRTHDAY_PATH, ActionContext
from linkpilot.engine.actions.batch import CardReading, identity_of
from linkpilot.engine.actions.cards import DATETIME_JS, Identity, by_slug, card_identity, unread
from linkpilot.engine.actions.lists import ItemReader, find_item, read_list
from linkpilot.engine.actions.outcomes import BirthdayCard, BirthdayPage, Navigation, UnreadItem
from linkpilot.engine.selectors.engine import evaluate_one


async def find_card(ctx: ActionContext, slug: str) -> tuple[Navigation, Locator | None, Identity | None]:
    """The card whose profile link is /in/<slug>/ (loading and paging the list until it shows up),
    and who it shows: None for both when no card is that person's alone."""
    navigation, card = await find_item(
        ctx, BIRTHDAY_PATH, "birthday.card", lambda cards: by_slug(ctx, cards, slug)
    )
    if card is None:
        return navigation, None, None
    identity = await card_identity(ctx, card, "birthday.card.name_link")
    if identity is None or identity.slug != slug.lower():
        return navigation, None, None
    return navigation, card, identity


async def read_card(ctx: ActionContext, card: Locator) -> BirthdayCard | UnreadItem:
    identity = await card_identity(ctx, card, "birthday.card.name_link")
    missing: list[str] = []
    if identity is None:
        missing.append("birthday.card.name_link")
    status = await ctx.selectors.resolve("birthday.card.status", card)
    if status is None:
        missing.append("birthday.card.status")
    message = await ctx.selectors.resolve("birthday.card.message_button", card)
    if message is None and await ctx.selectors.resolve("birthday.card.connect_button", card) is None:
        # Neither Message nor Connect/Follow: whether this is a 1st-degree connection is unknown.
        missing.append("birthday.card.message_button")
    if identity is None or status is None or missing:
        return await unread(card, identity, missing)
    assert status.text is not None  # the status key has a text recogniser
    date_attr = await evaluate_one(status.locator, DATETIME_JS)
    return BirthdayCard(identity.name, identity.slug, status.text, message is not None, date_attr)


def quick_card(reading: CardReading) -> BirthdayCard | None:
    who = identity_of(reading, "birthday.card.name_link")
    status = reading["birthday.card.status"]
    message = reading["birthday.card.message_button"]
    if who is None or status is None or not reading.knows("birthday.card.message_button"):
        return None
    if message is None and reading["birthday.card.connect_button"] is None:
        return None  # neither button by these candidates: the slow path looks further
    return BirthdayCard(who[1], who[0], status.text, message is not None, status.datetime)


CARDS = ItemReader(
    (
        "birthday.card.name_link",
        "birthday.card.status",
        "birthday.card.message_button",
        "birthday.card.connect_button",
    ),
    quick_card,
    read_card,
    lambda card: card.slug,
)


async def read_birthday_page(ctx: ActionContext) -> BirthdayPage:
    """Open the birthday page, load every card (every page of them) and read them in page order."""
    listing = await read_list(ctx, BIRTHDAY_PATH, "birthday.card", CARDS)
    await ctx.selectors.flush()
    return BirthdayPage(
        listing.navigation,
        tuple(listing.items),
        listing.passes,
        tuple(listing.unread),
        listing.pages,
    )
