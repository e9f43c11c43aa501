"""The app's models, defined in its two domains and gathered here for Django.

Content (tracker.content.models) is curated by staff; progress
(tracker.progress.models) is written by learners and points at content,
never the other way round.
"""

from tracker.content.models import (
    ContentVersion,
    Phase,
    Resource,
    Roadmap,
    Section,
    Subtopic,
    Topic,
)
from tracker.progress.models import LearningPlan, Link, Note, Progress

__all__ = [
    "ContentVersion",
    "LearningPlan",
    "Link",
    "Note",
    "Phase",
    "Progress",
    "Resource",
    "Roadmap",
    "Section",
    "Subtopic",
    "Topic",
]
