"""Django's admin autodiscovery looks here: the two domains register their own."""

from tracker.content import admin as content_admin
from tracker.progress import admin as progress_admin

__all__ = ["content_admin", "progress_admin"]
