"""Read settings from the environment, failing loudly on a malformed value.

A typo in a deployment's environment must stop start-up with a message that
names the variable, rather than silently fall back to a default.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=None):
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name, default, **options):
    """A DATABASES entry from a URL such as postgres://user@host:5432/name."""
    url = env_str(name, default)
    try:
        return dj_database_url.parse(url, **options)
    except ValueError as error:  # dj-database-url's errors are ValueErrors
        raise ImproperlyConfigured(f"{name} is not a usable database URL ({error}).") from None


def env_redis_url(name):
    url = env_str(name)
    if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must start with redis://, rediss:// or unix://.")
    return url
