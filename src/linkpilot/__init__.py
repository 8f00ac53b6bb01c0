"""LinkPilot: a self-hosted LinkedIn assistant for one account."""

__version__ = "0.1.0"
