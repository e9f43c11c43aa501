"""Public progress pages: whose page a visitor may see, and the links to share.

Each lookup is one query, so a page built from them keeps a fixed budget.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from accounts import rows
from accounts.models import Profile

BADGE_ALT = "AI Engineer Roadmap progress"


def profile_of(user):
    """The user's Profile, or an unsaved one with the defaults: a private page."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def public_learner(username):
    """The active user with exactly this username whose page is public, else
    None, with their profile: one query (accounts/rows.py)."""
    users = get_user_model()
    if connection.vendor != "postgresql":
        return (
            users.objects.select_related("profile")
            .filter(username=username, is_active=True, profile__is_public=True)
            .first()
        )
    with connection.cursor() as cursor:
        cursor.execute(_select_public_learner(), [username])
        row = cursor.fetchone()
    if row is None:
        return None
    split = rows.width(users)
    user, profile = rows.instance(users, row[:split]), rows.instance(Profile, row[split:])
    # Each knows the other, as the ORM's select_related leaves them.
    user._state.fields_cache["profile"], profile._state.fields_cache["user"] = profile, user
    return user


@functools.cache
def _select_public_learner():
    users = get_user_model()
    user_pk, name = rows.column(users, users._meta.pk.name), rows.column(users, "username")
    return (
        f"SELECT {rows.columns(users, 'u')}, {rows.columns(Profile, 'p')}"  # noqa: S608
        f" FROM {rows.table(users)} AS u JOIN {rows.table(Profile)} AS p"
        f" ON p.{rows.column(Profile, 'user')} = u.{user_pk}"
        f" WHERE u.{name} = %s AND u.{rows.column(users, 'is_active')}"
        f" AND p.{rows.column(Profile, 'is_public')}"
    )


def page_learner(viewer, username):
    """The learner /u/<username>/ shows to `viewer`, else None.

    A public page shows to everyone; a private one only to its owner, as a
    preview. Callers answer None with the same 404 as an unknown name, so a
    visitor cannot tell a private page from a missing one.
    """
    learner = public_learner(username)
    if learner is None and viewer.is_authenticated and viewer.get_username() == username:
        return viewer
    return learner


def share_links(request, username):
    """Absolute URLs of the page and its badges, and snippets to embed the badge."""
    page = request.build_absolute_uri(reverse("accounts:public", args=[username]))
    badge = request.build_absolute_uri(reverse("accounts:badge", args=[username]))
    return {
        "page_url": page,
        "badge_url": badge,
        "badge_dark_url": f"{badge}?theme=dark",
        "badge_markdown": f"[![{BADGE_ALT}]({badge})]({page})",
        # Plain text, escaped where it is shown: it is meant to be copied.
        "badge_html": f'<a href="{page}"><img src="{badge}" alt="{BADGE_ALT}"></a>',
    }
