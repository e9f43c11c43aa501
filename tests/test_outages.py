"""Outages of the parts the site leans on (issue 10, findings 6 and 7).

The database really goes away: its connection is pointed at an address where
nothing answers (a closed port on PostgreSQL, a folder that does not exist
on SQLite), so the driver raises what it raises in a real outage.
"""

import logging
import socket
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from roadmap_site import cache as fallback
from tests.helpers import TEST_REDIS_URL, make_user, redis_or_skip


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_down():
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/roadmap.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_pages_answer_503_in_one_log_line_and_recover(caplog):
    call_command("load_roadmap", verbosity=0)
    make_user("ada")
    client = Client(raise_request_exception=False)
    client.login(username="ada", password="correct horse battery")
    paths = [reverse("tracker:roadmap"), reverse("tracker:home"), reverse("account_login")]

    with database_down(), caplog.at_level(logging.INFO):
        answers = [client.get(path) for path in paths]
        signed_out = Client(raise_request_exception=False).get(paths[0])

    for response in [*answers, signed_out]:
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert b"Briefly unavailable" in response.content
    failures = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(failures) == len(paths) + 1
    assert all(record.exc_info is None for record in failures)
    assert "Database unavailable, answered 503: GET /" in failures[0].getMessage()

    # The first request after the database is back is served.
    assert client.get(paths[0]).status_code == 200


# 7. Redis unreachable


def fallback_cache(location):
    return {
        "default": {
            "BACKEND": "roadmap_site.cache.FallbackRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-outage-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = fallback_cache(f"redis://127.0.0.1:{closed_port()}/0")
    yield


def sign_in(client, password):
    client.post(reverse("account_login"), {"login": "ada", "password": password})
    return "_auth_user_id" in client.session


def test_with_redis_down_sign_in_works_and_is_still_rate_limited(db, redis_down, caplog):
    make_user("ada")
    with caplog.at_level(logging.WARNING, logger="roadmap_site.cache"):
        assert sign_in(Client(), "correct horse battery")
        for _ in range(5):
            assert not sign_in(Client(), "not the password")
        # allauth's per-account limit (5 in 300 s), counted in the fallback.
        response = Client().post(
            reverse("account_login"), {"login": "ada", "password": "correct horse battery"}
        )
    assert b"Too many failed login attempts" in response.content
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert warnings[0].startswith("Redis is unreachable")


def test_with_redis_down_password_reset_and_signed_in_pages_work(roadmap, redis_down):
    make_user("ada")
    client = Client()
    assert sign_in(client, "correct horse battery")
    assert client.get(reverse("tracker:roadmap")).status_code == 200
    response = Client().post(reverse("account_reset_password"), {"email": "ada@example.com"})
    assert response.status_code == 302


def test_what_changed_during_a_redis_outage_is_not_served_stale_afterwards(monkeypatch):
    """Redis really stops answering (CLIENT PAUSE): a key deleted meanwhile,
    say a session signed out, must not come back from Redis's old copy."""
    redis_or_skip()
    monkeypatch.setattr(fallback, "RETRY_SECONDS", 0.5)
    settings = fallback_cache(TEST_REDIS_URL)["default"]
    cache = fallback.FallbackRedisCache(settings["LOCATION"], settings)
    cache.set("session", "signed in")
    raw = redis.Redis.from_url(TEST_REDIS_URL)

    raw.client_pause(1500, all=True)
    cache.delete("session")  # times out against Redis: deleted in memory only
    assert cache.get("session") is None
    time.sleep(2)  # the pause is over and the retry interval has passed

    assert cache.get("session") is None
    assert raw.get(cache.make_key("session")) is None
