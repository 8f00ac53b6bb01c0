from tests.engine.livesite import live

__all__ = ["live"]
