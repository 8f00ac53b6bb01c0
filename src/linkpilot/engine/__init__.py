"""The async engine: browser, selectors, actions, pacing, quotas, breaker, campaigns.

Never imports Textual: the console subscribes to its events instead."""
