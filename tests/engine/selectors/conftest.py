from tests.engine.livesite import chromium, live

__all__ = ["chromium", "live"]
