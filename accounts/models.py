from django.conf import settings
from django.db import models


class Profile(models.Model):
    """What a learner chooses to show on their public progress page.

    Created on first save of the settings page: a user without a row has the
    defaults, a private page and no display name.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown instead of the username when set."
    )
    is_public = models.BooleanField(
        "public", default=False, help_text="Anyone with the link can see the progress page."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def name(self):
        """The name shown on the public page: the display name, else the username."""
        return self.display_name or self.user.get_username()
