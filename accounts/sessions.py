"""Sessions in the database, each read in one query with the user it signs in as.

SESSION_ENGINE names this module. Its rows (accounts.models.Session) carry
the signed-in user's key in a column, written whenever the session is
saved, so reading a session joins its user, and the user's profile (their
choices, which pages read): a signed-in request makes one round trip to the
database before its view rather than two or three (the session, then
AuthenticationMiddleware's user, then the profile). The user read here is offered to the
authentication backends (accounts/backends.py), which take it only for the
user the session's own data names, and Django still checks it as usual:
active, and the session's hash of the password still matching.
"""

import functools

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts import rows
from accounts.models import Profile


class SessionStore(db.SessionStore):
    # The user the session's row named, read with it; None before the
    # session is loaded, for a visitor's session and for a missing one.
    row_user = None

    @classmethod
    def get_model_class(cls):
        from accounts.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = user_pk(data.get(SESSION_KEY))
        return session

    def _get_session_from_db(self):
        self.row_user = None
        now = timezone.now()
        if connection.vendor == "postgresql":
            found = _read_with_user(self.model, self.session_key, now)
        else:  # the ORM's own query, with the joins (accounts/rows.py says why)
            session = (
                self.model.objects.select_related("user__profile")
                .filter(session_key=self.session_key, expire_date__gt=now)
                .first()
            )
            found = (session, session.user) if session else None
        if not found:
            self._session_key = None
            return None
        session, self.row_user = found
        return session


def user_pk(value):
    """A session's user key as the user table's, or None (not signed in, or
    something that is no user key)."""
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


def _read_with_user(model, session_key, now):
    """(session, its user or None), or None when no unexpired session has the
    key: one query (accounts/rows.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_select(model), [session_key, now])
        row = cursor.fetchone()
    if row is None:
        return None
    session = model(session_key=session_key, session_data=row[0])
    users = get_user_model()
    split = 1 + rows.width(users)
    user = rows.instance(users, row[1:split])
    if user is not None:
        # As select_related leaves it: the profile, or None for a user without
        # one, which profiles.profile_of reads as the defaults, with no query.
        profile = rows.instance(Profile, row[split:])
        user._state.fields_cache["profile"] = profile
        if profile is not None:
            profile._state.fields_cache["user"] = user
    return session, user


@functools.cache
def _select(model):
    users = get_user_model()
    user_key = f"u.{rows.column(users, users._meta.pk.name)}"
    return (
        f"SELECT s.session_data, {rows.columns(users, 'u')}, {rows.columns(Profile, 'p')}"  # noqa: S608 - models' names
        f" FROM {rows.table(model)} AS s LEFT JOIN {rows.table(users)} AS u"
        f" ON {user_key} = s.{rows.column(model, 'user')}"
        f" LEFT JOIN {rows.table(Profile)} AS p ON p.{rows.column(Profile, 'user')} = {user_key}"
        " WHERE s.session_key = %s AND s.expire_date > %s"
    )
