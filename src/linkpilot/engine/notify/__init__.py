"""Telling the owner when LinkPilot stops: Apprise channels, one message per cause until resolved."""

from linkpilot.engine.notify.notifier import Notifier, check_channels, create_notifier, notifying
from linkpilot.engine.notify.status import ChannelStatus, NotifyStatus

__all__ = ["ChannelStatus", "Notifier", "NotifyStatus", "check_channels", "create_notifier", "notifying"]
