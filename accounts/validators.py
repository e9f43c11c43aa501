"""The rules for usernames, shared by sign-up (allauth) and the settings page.

A username is part of a public URL (/u/<username>/), so it is kept to
characters that need no escaping there, and names that could pass for one of
the site's own pages are refused. The reserved names are listed once, in
settings.ACCOUNT_USERNAME_BLACKLIST, where allauth reads them too.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

USERNAME_MAX_LENGTH = 150  # django.contrib.auth's User.username

validate_username_characters = RegexValidator(
    r"\A[A-Za-z0-9_-]+\Z",
    message="Use only letters, digits, hyphens (-) and underscores (_).",
    code="invalid",
)


def is_reserved(username):
    return username.lower() in {name.lower() for name in settings.ACCOUNT_USERNAME_BLACKLIST}


def validate_not_reserved(username):
    if is_reserved(username):
        raise ValidationError(
            "That username is reserved for the site. Please choose another.", code="reserved"
        )


# ACCOUNT_USERNAME_VALIDATORS names this list: allauth runs it at sign-up in
# place of the User model's own validator, and the settings form runs it too.
username_validators = [validate_username_characters, validate_not_reserved]
