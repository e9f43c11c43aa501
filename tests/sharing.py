"""Helpers for the tests of profiles, public pages and badges."""

import re

from django.utils import timezone

from accounts.models import Profile
from tracker.models import Progress, Subtopic

XSS_NAMES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def publish(user, display_name="", *, public=True):
    Profile.objects.update_or_create(
        user=user, defaults={"display_name": display_name, "is_public": public}
    )


def tick(user, count, status=Progress.Status.DONE):
    """Give `user` `status` on the first `count` subtopics in roadmap order."""
    subtopics = Subtopic.objects.order_by(
        "topic__section__phase__order", "topic__section__order", "topic__order", "order", "id"
    )[:count]
    completed = timezone.now() if status != Progress.Status.LEARNING else None
    Progress.objects.bulk_create(
        [Progress(user=user, subtopic=s, status=status, completed_at=completed) for s in subtopics]
    )
    return list(subtopics)


def without_request_tokens(html):
    """The page with what differs per request (CSRF token, CSP nonce) blanked."""
    html = re.sub(r'"x-csrftoken": "[^"]+"', '"x-csrftoken": ""', html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)
