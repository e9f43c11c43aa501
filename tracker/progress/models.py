"""What a learner writes: their state on each subtopic, and their learning plan."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tracker.content.models import Resource, Roadmap, Subtopic, Topic, http_url
from tracker.progress.pace import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from tracker.progress.status import COMPLETE, Status, stored_choices


class Progress(models.Model):
    """A learner's state for one subtopic. No row means pending."""

    # The vocabulary itself lives in tracker.progress.status; the model
    # offers it under the name Django code expects.
    Status = Status

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress"
    )
    subtopic = models.ForeignKey(Subtopic, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=10, choices=stored_choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the item last became done or skipped: feeds "recently completed"
    # and the activity calendar, and is cleared when it stops being complete.
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "subtopic"], name="unique_progress"),
        ]
        indexes = [models.Index(fields=["user", "completed_at"])]

    def __str__(self):
        return f"{self.user} · {self.subtopic} · {self.status}"

    def save(self, *args, **kwargs):
        # Keep completed_at true to the status however the row is saved (the
        # admin, a shell); bulk writes in tracker.progress.marking set it themselves.
        if self.status not in COMPLETE:
            self.completed_at = None
        elif self.completed_at is None:
            self.completed_at = timezone.now()
        super().save(*args, **kwargs)


class LearningPlan(models.Model):
    """The hours a week a learner gives a roadmap, and from when.

    No row means the defaults (tracker.progress.plans): the hours per week
    that finish the roadmap in its own duration, from the learner's first
    tick. The pace itself is computed on every read, never stored.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_plans"
    )
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="learning_plans")
    hours_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_HOURS_PER_WEEK), MaxValueValidator(MAX_HOURS_PER_WEEK)]
    )
    # Blank: from the learner's first tick.
    start_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "roadmap"], name="unique_learning_plan"),
        ]

    def __str__(self):
        return f"{self.user} · {self.roadmap} · {self.hours_per_week} h/week"


# A note is a learner's own page on a topic: long enough for real notes, short
# enough that a page holding one stays light and a paste by mistake is caught.
NOTE_MAX_CHARS = 10_000


class Note(models.Model):
    """A learner's private Markdown notes on one topic; never shown to anyone else.

    `revision` counts saves. A save names the revision it was editing, so a
    second tab saving over a note changed since it was opened is caught
    (tracker.progress.notes) rather than silently overwriting it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(max_length=NOTE_MAX_CHARS)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="unique_note"),
        ]

    def __str__(self):
        return f"{self.user} · {self.topic}"


# Enough for a learner's own shelf on a topic, never a dump of bookmarks.
LINKS_PER_TOPIC = 20


class Link(models.Model):
    """A resource a learner added to a topic for themselves: shown beside the
    curated ones as "yours", to them only."""

    Kind = Resource.Kind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="links"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="learner_links")
    title = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500, validators=[http_url])
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "topic", "url"], name="unique_learner_link"),
        ]

    def __str__(self):
        return f"{self.user} · {self.topic} · {self.title}"
