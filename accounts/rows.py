"""Model instances from rows of plain SQL, for the few hot reads written out by hand.

The session with its user (accounts/sessions.py), a user by key
(accounts/backends.py) and a public page's learner (accounts/profiles.py)
run on most requests. Building `SELECT … WHERE …` through the ORM costs
longer than the database spends answering it, so on PostgreSQL each is one
statement, built once per process, whose row becomes instances through
Model.from_db as the ORM's own would. SQLite (development, tests) hands a
raw query its dates as text, which the ORM converts: there the callers use
the ORM.
"""

from django.db import connection


def columns(model, table):
    """The model's stored columns, as `table`.<column>, in its fields' order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{table}.{quote(field.column)}" for field in model._meta.concrete_fields)


def width(model):
    return len(model._meta.concrete_fields)


def instance(model, values):
    """A model instance from its columns' values as `columns` lists them, or
    None when its key is NULL (nothing matched in a LEFT JOIN)."""
    fields = model._meta.concrete_fields
    if values[fields.index(model._meta.pk)] is None:
        return None
    return model.from_db(connection.alias, [field.attname for field in fields], values)


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field_name):
    return connection.ops.quote_name(model._meta.get_field(field_name).column)
