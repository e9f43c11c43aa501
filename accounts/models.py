from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Profile(models.Model):
    """What a learner chooses: what their public progress page shows, and
    how the site behaves for them (keyboard shortcuts).

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
    keyboard_shortcuts = models.BooleanField(
        default=True,
        help_text="Single keys mark and move between items on the roadmap and topic pages.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def name(self):
        """The name shown on the public page: the display name, else the username."""
        return self.display_name or self.user.get_username()


class Session(AbstractBaseSession):
    """A browser's session, with the user it signs in as in a column of its own.

    Django's session row keeps the user only inside its encoded data, so a
    signed-in request reads the session, then the user: two queries before
    any view runs. With the user's key beside the data, accounts/sessions.py
    reads both in one. Deleting a user deletes their sessions, signing out
    every browser they used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        # No constraint in the database: a session saved in the moment its user
        # is deleted keeps a key that joins no one (a visitor's session) rather
        # than failing its write. Deleting a user still deletes their sessions.
        db_constraint=False,
        related_name="+",
        help_text="Who the session signs in as; empty before sign-in.",
    )

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
