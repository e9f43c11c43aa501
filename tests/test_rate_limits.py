"""allauth's login throttle, and the cache it counts in.

allauth 65 limits failed logins with ACCOUNT_RATE_LIMITS["login_failed"],
by default "10/m/ip,5/300s/key" (ACCOUNT_LOGIN_ATTEMPTS_LIMIT = 5,
ACCOUNT_LOGIN_ATTEMPTS_TIMEOUT = 300), where the key is the site's host and
the login as typed, lower-cased. The counts live in Django's default cache:
the database cache here, Redis when REDIS_URL is set, so that every app
server sees the same counts.
"""

import uuid

import pytest
import redis
from allauth.account import app_settings as account_settings
from django.conf import settings
from django.core.cache import CacheHandler, cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.helpers import TEST_REDIS_URL, redis_or_skip

PASSWORD = "correct horse battery"
THROTTLED = b"Too many failed login attempts. Try again later."
WRONG = b"The username and/or password you specified are not correct."


pytestmark = pytest.mark.django_db


def sign_in(login, password, client=None):
    client = client or Client()
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    return response, "_auth_user_id" in client.session


def fail_to_sign_in(login, times):
    for _ in range(times):
        response, signed_in = sign_in(login, "not the password")
        assert response.status_code == 200
        assert WRONG in response.content
        assert not signed_in


def test_the_defaults_are_what_these_tests_assume():
    assert account_settings.RATE_LIMITS["login_failed"] == "10/m/ip,5/300s/key"


def test_five_failed_logins_for_one_account_throttle_even_the_right_password(learner):
    fail_to_sign_in("ada", 5)

    response, signed_in = sign_in("ada", PASSWORD)

    assert response.status_code == 200
    assert THROTTLED in response.content
    assert not signed_in


def test_the_throttle_is_per_account(learner, other_learner):
    fail_to_sign_in("ada", 5)

    _, signed_in = sign_in("grace", PASSWORD)

    assert signed_in


def test_the_count_is_per_login_as_typed_not_per_user(learner):
    # allauth keys the count on what was typed, so the username and the e-mail
    # address of one account are counted apart; "ADA" and "ada" are one key.
    # The per-IP limit (10 a minute) still caps the total.
    fail_to_sign_in("ADA", 5)
    response, signed_in = sign_in("ada", PASSWORD)
    assert THROTTLED in response.content
    assert not signed_in

    _, signed_in = sign_in("ada@example.com", PASSWORD)
    assert signed_in


def test_successful_logins_do_not_use_up_the_allowance(learner):
    for _ in range(6):
        _, signed_in = sign_in("ada", PASSWORD)
        assert signed_in

    fail_to_sign_in("ada", 4)
    _, signed_in = sign_in("ada", PASSWORD)
    assert signed_in


def test_the_count_is_kept_in_the_configured_cache(learner):
    assert settings.CACHES["default"]["BACKEND"].endswith(("DatabaseCache", "RedisCache")), (
        "allauth's counts must live in a cache every worker shares"
    )
    fail_to_sign_in("ada", 5)
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone()[0] > 0

    cache.clear()

    _, signed_in = sign_in("ada", PASSWORD)
    assert signed_in


def test_with_redis_every_cache_client_sees_the_same_counts(learner):
    """Two app servers are two processes, each with its own cache client. Here
    they are the client the requests go through and a second one built from
    the same settings by a separate CacheHandler, with its own connections."""
    redis_or_skip()
    prefix = f"test-rl-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "roadmap_site.cache.FallbackRedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    raw = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        with override_settings(CACHES=redis_cache):
            fail_to_sign_in("ada", 5)

            # The per-account count, read back through the other client.
            stored = [k.decode() for k in raw.scan_iter(f"{prefix}:*:allauth:rl:*")]
            per_account = [k for k in stored if ":login_failed:5/" in k]
            assert len(per_account) == 1, stored
            key = per_account[0].split(":", 2)[2]  # drop "<prefix>:<version>:"
            other_server = CacheHandler()["default"]
            assert len(other_server.get(key)) == 5

            response, signed_in = sign_in("ada", PASSWORD)
            assert THROTTLED in response.content
            assert not signed_in

            # The other client forgets the counts; the app sees that at once.
            other_server.delete_many([k.split(":", 2)[2] for k in stored])
            _, signed_in = sign_in("ada", PASSWORD)
            assert signed_in
    finally:
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "1/m/ip"})
def test_a_throttled_request_gets_a_429_page_in_the_sites_layout():
    def sign_up(name):
        return Client().post(
            reverse("account_signup"),
            {
                "username": name,
                "email": f"{name}@example.com",
                "password1": "a long enough passphrase 42",
                "password2": "a long enough passphrase 42",
            },
        )

    assert sign_up("first").status_code == 302
    response = sign_up("second")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many requests" in html
    assert '<main id="main"' in html
