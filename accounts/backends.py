"""The authentication backends, with a signed-in request's user read in one plain query.

Every signed-in request loads its user (AuthenticationMiddleware, through the
backend named in the session). Django's ModelBackend.get_user goes through
the ORM, which spends longer building `SELECT … WHERE id = %s` than the
database spends answering it; here the statement is built once per process
and the row becomes a User through Model.from_db, as the ORM itself does.

A session names the backend that signed it in, and Django honours only
those listed in settings.AUTHENTICATION_BACKENDS: a session from before
these replaced the stock ones there signs in again once.
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection


class _OneQueryGetUser:
    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneQueryGetUser, django_backends.ModelBackend):
    """Django's ModelBackend (sign-in by username), its user read in one plain query."""


class AuthenticationBackend(_OneQueryGetUser, allauth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by username or e-mail), its user read in one plain query."""


def user_by_pk(user_id):
    """The user with this primary key, else None: one query."""
    model = get_user_model()
    if connection.vendor != "postgresql":
        # SQLite hands a raw query its dates as text, which the ORM would
        # convert: there (development, tests) the ORM's own query.
        return model._default_manager.filter(pk=user_id).first()
    fields = model._meta.concrete_fields
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding something that is no user id
        return None
    with connection.cursor() as cursor:
        cursor.execute(_select(model, fields), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return model.from_db(connection.alias, [field.attname for field in fields], row)


def _select(model, fields):
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608 - the model's own names
