"""Rendered badges, kept in the default cache per username and theme.

A badge is embedded in READMEs and fetched far more often than anything it
shows changes, so a cached one costs one cache lookup and no query. Progress
may show up to BADGE_MAX_AGE late (the README promises "cached for five
minutes"); what a learner decides about their page may not: making it
private, renaming or deleting the account, a new display name. Everything
that changes those calls forget() for the names involved.
"""

import hashlib

from django.core.cache import cache

from accounts.badges import THEMES

BADGE_MAX_AGE = 300  # seconds: a change of progress shows within minutes

# What forget() leaves in a badge's place instead of deleting it: a request
# that read the old profile just before the change could otherwise store its
# badge right after forget() and serve it, public, for BADGE_MAX_AGE. While
# the marker stands, badges are rendered fresh and not stored. It outlives
# any request (gunicorn's timeout is 30 seconds).
FORGOTTEN = "forgotten"
FORGOTTEN_FOR = 60  # seconds


def _key(username, theme):
    # A username may hold characters a cache key may not (memcached refuses
    # spaces and control characters; Redis keys are bytes): hash it. Exactly
    # as given, not case-folded, since /u/Ada/ and /u/ada/ are different pages.
    digest = hashlib.sha256(username.encode()).hexdigest()
    return f"badge:{theme}:{digest}"


def get(username, theme):
    """The badge stored for `username` in `theme` (bytes), else None."""
    svg = cache.get(_key(username, theme))
    return None if svg == FORGOTTEN else svg


def store(username, theme, svg):
    """Keep `svg` for BADGE_MAX_AGE, unless forget() was called moments ago."""
    cache.add(_key(username, theme), svg, BADGE_MAX_AGE)


def forget(*usernames):
    """Drop every stored badge of these usernames, in every theme, at once."""
    cache.set_many(
        {_key(name, theme): FORGOTTEN for name in usernames if name for theme in THEMES},
        FORGOTTEN_FOR,
    )
