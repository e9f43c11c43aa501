"""The authentication backends, taking a signed-in request's user as its session read it.

Every signed-in request loads its user (AuthenticationMiddleware, through the
backend named in the session). The session store (accounts/sessions.py)
reads the user with the session, in the same query; AuthenticationMiddleware
here offers that store to the backends while Django's get_user runs, and
they take its user when it is the one the session names. Anything else
(a session read another way, a user signed in elsewhere in the code) reads
the user in one plain query (accounts/rows.py), not through the ORM.
Either way Django then checks the user as it always does (active, and the
session's hash of the password still matching).

A session names the backend that signed it in, and Django honours only
those listed in settings.AUTHENTICATION_BACKENDS: a session from before
these replaced the stock ones there signs in again once.
"""

import functools
from contextvars import ContextVar

from allauth.account import auth_backends as allauth_backends
from django.contrib import auth
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth import middleware as auth_middleware
from django.db import connection
from django.utils.functional import SimpleLazyObject

from accounts import rows
from accounts.sessions import user_pk

# The session store of the request whose user Django is reading, set only
# for the time AuthenticationMiddleware's get_user runs.
_session_being_read = ContextVar("session_being_read", default=None)


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the request's session offered to the backends while its user is read."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    # As django.contrib.auth.middleware.get_user, inside the offer.
    if not hasattr(request, "_cached_user"):
        offer = _session_being_read.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _session_being_read.reset(offer)
    return request._cached_user


class _OneQueryGetUser:
    def get_user(self, user_id):
        user = _read_with_session(user_id) or user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneQueryGetUser, django_backends.ModelBackend):
    """Django's ModelBackend (sign-in by username), its user read in one plain query."""


class AuthenticationBackend(_OneQueryGetUser, allauth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by username or e-mail), its user read in one plain query."""


def _read_with_session(user_id):
    """The user the session being read was read with, if it is this one."""
    user = getattr(_session_being_read.get(), "row_user", None)
    return user if user is not None and user.pk == user_pk(user_id) else None


def user_by_pk(user_id):
    """The user with this primary key, else None: one query (accounts/rows.py)."""
    model = get_user_model()
    if connection.vendor != "postgresql":
        return model._default_manager.filter(pk=user_id).first()
    pk = user_pk(user_id)
    if pk is None:  # a session holding something that is no user id
        return None
    with connection.cursor() as cursor:
        cursor.execute(_select_user(), [pk])
        row = cursor.fetchone()
    return None if row is None else rows.instance(model, row)


@functools.cache
def _select_user():
    model = get_user_model()
    return (
        f"SELECT {rows.columns(model, 'u')} FROM {rows.table(model)} AS u"  # noqa: S608
        f" WHERE u.{rows.column(model, model._meta.pk.name)} = %s"
    )
