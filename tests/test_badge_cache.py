"""Stored badges: one cache lookup each, and gone the moment a learner's page
changes (private, renamed, renamed display, deleted), whoever changes it."""

import warnings

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import badge_cache
from tests.helpers import publish, tick
from tracker.models import Progress

User = get_user_model()
THEMES = [None, "dark"]


def badge_url(username="ada", theme=None):
    url = reverse("accounts:badge", args=[username])
    return f"{url}?theme={theme}" if theme else url


def get_badge(username="ada", theme=None):
    # A visitor with no session, as a README's image is fetched.
    return Client().get(badge_url(username, theme))


def store_badges(username="ada"):
    """Fetch the light and dark badges once, so both are stored."""
    for theme in THEMES:
        assert get_badge(username, theme).status_code == 200


def save_settings(client, username="ada", display_name="", visibility="public"):
    response = client.post(
        reverse("accounts:settings"),
        {"username": username, "display_name": display_name, "visibility": visibility},
    )
    assert response.status_code == 302
    return response


def admin_save(client, user, *, username=None, is_active=True):
    """Save `user` through Django's user admin, as staff would."""
    data = {
        "username": username or user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if is_active:
        data["is_active"] = "on"
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def public_learner(learner, roadmap):
    publish(learner, "Ada")
    tick(learner, 88)
    return learner


# What a stored badge costs


def test_a_stored_badge_costs_at_most_one_query(public_learner, django_assert_max_num_queries):
    get_badge()

    # The database cache's one SELECT; with Redis, none at all.
    with django_assert_max_num_queries(1):
        assert get_badge().status_code == 200


def test_a_stored_badge_runs_no_query_beyond_the_cache_lookup(
    public_learner, memory_cache, django_assert_num_queries
):
    get_badge()

    with django_assert_num_queries(0):
        response = get_badge()
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("theme", THEMES)
def test_a_stored_badge_is_byte_identical_to_a_fresh_one(
    public_learner, memory_cache, django_assert_num_queries, theme
):
    fresh = get_badge(theme=theme)
    with django_assert_num_queries(0):
        stored = get_badge(theme=theme)
    memory_cache.clear()
    fresh_again = get_badge(theme=theme)

    assert stored.content == fresh.content == fresh_again.content
    assert stored.headers["Content-Type"] == fresh.headers["Content-Type"]


def test_the_themes_are_stored_apart(public_learner):
    store_badges()

    light, dark = get_badge(), get_badge(theme="dark")

    assert light.content != dark.content
    assert b"#1c1e26" in dark.content
    assert b"#1c1e26" not in light.content


def test_an_unknown_theme_shares_the_light_badge(
    public_learner, memory_cache, django_assert_num_queries
):
    light = get_badge(theme="<neon>")

    with django_assert_num_queries(0):
        assert get_badge().content == light.content


def test_new_progress_waits_for_the_stored_badge_to_expire(public_learner):
    store_badges()

    Progress.objects.filter(user=public_learner).delete()

    # As the README promises: progress shows within the five minutes the
    # badge is cached for, here and in every cache downstream.
    assert b"41%" in get_badge().content


# A learner's changes show at once


def test_making_the_page_private_takes_the_badge_down_at_once(public_learner, client):
    store_badges()
    client.force_login(public_learner)

    save_settings(client, display_name="Ada", visibility="private")

    for theme in THEMES:
        assert get_badge(theme=theme).status_code == 404


def test_a_rename_takes_the_old_badge_down_and_serves_the_new_one(public_learner, client):
    store_badges()
    client.force_login(public_learner)

    save_settings(client, username="ada-l", display_name="Ada")

    for theme in THEMES:
        assert get_badge("ada", theme).status_code == 404
        assert get_badge("ada-l", theme).status_code == 200


def test_a_rename_away_from_a_stored_name_frees_it_for_someone_else(public_learner, client):
    store_badges()
    client.force_login(public_learner)
    save_settings(client, username="ada-l", display_name="Ada")

    newcomer = User.objects.create_user("ada", email="another.ada@example.com")
    publish(newcomer, "Another Ada")

    assert b"Another Ada: 0%" in get_badge("ada").content


def test_a_new_display_name_shows_at_once(public_learner, client):
    store_badges()
    client.force_login(public_learner)

    save_settings(client, display_name="Countess of Lovelace")

    for theme in THEMES:
        assert b"<title>Countess of Lovelace: 41%" in get_badge(theme=theme).content


def test_deleting_the_account_takes_the_badge_down(public_learner, client):
    store_badges()
    client.force_login(public_learner)

    client.post(reverse("accounts:delete"), {"confirmation": "ada"})

    for theme in THEMES:
        assert get_badge(theme=theme).status_code == 404


def test_a_not_found_badge_is_not_stored(learner, roadmap):
    publish(learner, public=False)
    assert get_badge().status_code == 404

    # Straight in the database, past everything that forgets stored badges.
    publish(learner, "Ada")

    assert get_badge().status_code == 200


# Staff's changes in the admin show at once too


def test_a_rename_in_the_admin_takes_the_old_badge_down(public_learner, staff_client):
    store_badges()

    admin_save(staff_client, public_learner, username="ada-l")

    assert get_badge("ada").status_code == 404
    assert get_badge("ada-l").status_code == 200


def test_deactivating_in_the_admin_takes_the_badge_down(public_learner, staff_client):
    store_badges()

    admin_save(staff_client, public_learner, is_active=False)

    for theme in THEMES:
        assert get_badge(theme=theme).status_code == 404


def test_deleting_in_the_admin_takes_the_badge_down(public_learner, staff_client):
    store_badges()

    response = staff_client.post(
        reverse("admin:auth_user_delete", args=[public_learner.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=public_learner.pk).exists()
    assert get_badge().status_code == 404


def test_deleting_several_in_the_admin_takes_their_badges_down(
    public_learner, other_learner, staff_client
):
    publish(other_learner)
    store_badges("ada")
    store_badges("grace")

    response = staff_client.post(
        reverse("admin:auth_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [public_learner.pk, other_learner.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert get_badge("ada").status_code == 404
    assert get_badge("grace").status_code == 404


# The store itself, without a request


def test_a_badge_rendered_just_before_a_change_is_not_stored_after_it(db):
    # A request read the public profile, then the learner made it private
    # (forget), then that request went to store what it had rendered.
    badge_cache.forget("ada")
    badge_cache.store("ada", "light", b"<svg>before</svg>")

    assert badge_cache.get("ada", "light") is None


def test_forget_drops_every_theme_of_every_name_given(db):
    for name in ("ada", "ada-l", "grace"):
        for theme in ("light", "dark"):
            badge_cache.store(name, theme, f"<svg>{name} {theme}</svg>".encode())

    badge_cache.forget("ada", "ada-l")

    for theme in ("light", "dark"):
        assert badge_cache.get("ada", theme) is None
        assert badge_cache.get("ada-l", theme) is None
        assert badge_cache.get("grace", theme) == f"<svg>grace {theme}</svg>".encode()


@pytest.mark.parametrize(
    "username", ["Ada", "a d a", "ada\n\x00", "ünïcødé-🧠", "x" * 300, "badge:light:ada"]
)
def test_any_username_makes_a_valid_key_of_its_own(db, username):
    with warnings.catch_warnings():
        # Django warns of a key memcached would refuse (spaces, length).
        warnings.simplefilter("error")
        badge_cache.store(username, "light", b"<svg>theirs</svg>")
        badge_cache.store("ada", "light", b"<svg>ada</svg>")

        assert badge_cache.get(username, "light") == b"<svg>theirs</svg>"
        assert badge_cache.get("ada", "light") == b"<svg>ada</svg>"
