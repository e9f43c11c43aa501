"""A learner's state on one subtopic of the roadmap."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from tracker.content.models import Subtopic
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
