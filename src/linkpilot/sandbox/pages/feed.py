"""The feed: the page the engine opens to check that the session is alive."""

from __future__ import annotations

from linkpilot.sandbox.data import World
from linkpilot.sandbox.pages.layout import Ctx, avatar, document, esc


def feed_page(ctx: Ctx, world: World, pending: int, banner: str | None) -> str:
    t = ctx.t
    posts = []
    for person in [p for p in world.people if p.degree == 1][:3]:
        posts.append(f"""<div {ctx.c("feed-shared-update-v2 artdeco-card")}>
      <span {ctx.c("update-components-actor__title")}>{esc(t("feed_post", name=person.full_name))}</span>
      <p>{esc(person.headline)}</p>
    </div>""")
    body = f"""<div {ctx.c("scaffold-layout__inner")}>
  <aside {ctx.c("scaffold-layout__sidebar")}>
    <div {ctx.c("feed-identity-module artdeco-card")}>
      {avatar(ctx, ctx.me_name, "feed-identity-module__member-photo")}
      <a href="/in/{ctx.me_slug}/" {ctx.c("feed-identity-module__actor-meta")}>{esc(ctx.me_name)}</a>
      <a href="/mynetwork/invitation-manager/sent/">{esc(t("pending_invites", n=pending))}</a>
    </div>
  </aside>
  <main {ctx.c("scaffold-layout__main")} aria-label="{esc(t("home"))}">
    <button type="button" {ctx.c("share-box-feed-entry__trigger artdeco-button")}>{esc(t("start_post"))}</button>
    <a href="/mynetwork/catch-up/birthday/">{esc(t("birthdays"))}</a>
    {"".join(posts)}
  </main>
</div>"""
    return document(ctx, t("home"), body, banner=banner)
