"""The one vocabulary of a learner's progress on an item.

The value is what forms post, rows store and exports write; the label is the
word users read. Every other module, template and export reads it from here.
"""

from django.db import models


class Status(models.TextChoices):
    DONE = "done", "done"
    LEARNING = "learning", "learning"
    SKIPPED = "skipped", "skipped"
    # Never stored: an item without a Progress row is pending.
    PENDING = "pending", "not started"


# What a Progress row may hold.
STORED = (Status.DONE, Status.LEARNING, Status.SKIPPED)
# What counts towards the percentage: finished, one way or the other.
COMPLETE = frozenset({Status.DONE, Status.SKIPPED})


def stored_choices():
    """The model field's choices; a callable, so a new word needs no migration."""
    return [(status.value, status.label) for status in STORED]
