"""Public progress pages: whose page a visitor may see, and the links to share.

Each lookup is one query, so a page built from them keeps a fixed budget.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Profile

BADGE_ALT = "AI Engineer Roadmap progress"


def profile_of(user):
    """The user's Profile, or an unsaved one with the defaults: a private page."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def public_learner(username):
    """The active user with exactly this username whose page is public, else None."""
    return (
        get_user_model()
        .objects.select_related("profile")
        .filter(username=username, is_active=True, profile__is_public=True)
        .first()
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
