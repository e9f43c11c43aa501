"""Sessions read in one query with their user (accounts/sessions.py, accounts/backends.py)."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import backends
from accounts.models import Session
from accounts.sessions import SessionStore
from tests.helpers import PASSWORD

HOME = reverse("tracker:home")
USERS = get_user_model()._meta.db_table


def test_a_signed_in_request_reads_its_session_and_its_user_in_one_query(learner_client, roadmap):
    learner_client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        assert learner_client.get(HOME).status_code == 200
    sessions = [q["sql"] for q in queries if Session._meta.db_table in q["sql"]]
    users = [q["sql"] for q in queries if USERS in q["sql"]]
    assert len(sessions) == 1
    # The one query that reads the user is the session's.
    assert users == sessions


def test_the_session_row_names_its_user_from_sign_in_to_sign_out(client, learner, roadmap):
    response = client.post(reverse("account_login"), {"login": "ada", "password": PASSWORD})
    assert response.status_code == 302
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.user == learner

    client.post(reverse("account_logout"))
    assert not Session.objects.filter(pk=session.pk).exists()
    assert client.get(HOME).status_code == 302  # to sign in


def test_a_visitors_session_names_no_one(db):
    store = SessionStore()
    store["seen"] = True
    store.create()
    assert Session.objects.get(session_key=store.session_key).user is None
    again = SessionStore(store.session_key)
    assert again["seen"] is True
    assert again.row_user is None


def test_a_deactivated_learner_is_signed_out_at_the_next_request(learner_client, learner, roadmap):
    assert learner_client.get(HOME).status_code == 200
    learner.is_active = False
    learner.save()
    assert learner_client.get(HOME).status_code == 302


def test_a_password_changed_elsewhere_signs_this_browser_out(learner_client, learner, roadmap):
    assert learner_client.get(HOME).status_code == 200
    learner.set_password("changed on another device 7")
    learner.save()
    # The session's hash of the old password no longer matches the row read with it.
    assert learner_client.get(HOME).status_code == 302


def test_deleting_an_account_deletes_its_sessions(learner_client, learner, other_learner):
    other = SessionStore()
    other.create()
    learner.delete()
    assert list(Session.objects.values_list("session_key", flat=True)) == [other.session_key]


def test_losing_the_cache_signs_nobody_out(learner_client, roadmap):
    assert learner_client.get(HOME).status_code == 200
    cache.clear()
    assert learner_client.get(HOME).status_code == 200


def request_with_session(session_key):
    request = RequestFactory().get(HOME)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = session_key
    SessionMiddleware(lambda request: None).process_request(request)
    backends.AuthenticationMiddleware(lambda request: None).process_request(request)
    return request


def test_the_user_read_with_the_session_is_taken_only_when_the_session_names_them(
    learner_client, learner, other_learner
):
    key = learner_client.session.session_key
    # A row that names someone else than its own data does (written by hand):
    # the user comes from the data, read on its own, never from the row.
    Session.objects.filter(session_key=key).update(user=other_learner)
    request = request_with_session(key)
    assert request.user.pk == learner.pk
    assert request.session.row_user.pk == other_learner.pk


def test_the_offer_of_a_session_lasts_only_while_its_user_is_read(learner_client, learner):
    request = request_with_session(learner_client.session.session_key)
    assert request.user.pk == learner.pk
    assert request.session.row_user.pk == learner.pk
    assert backends._session_being_read.get() is None
    # Outside a request's read, a backend reads the user itself.
    backend = backends.ModelBackend()
    assert backend.get_user(learner.pk) == learner
    assert backend.get_user(str(learner.pk)) == learner


@pytest.mark.parametrize("key", ["", "not-a-session", "x" * 40])
def test_an_unknown_session_key_is_a_visitor(db, key):
    request = request_with_session(key)
    assert not request.user.is_authenticated
    assert request.session.row_user is None


def test_a_learner_with_two_browsers_has_two_rows(client, learner, roadmap):
    other_browser = type(client)()
    client.force_login(learner)
    other_browser.force_login(learner)
    assert Session.objects.filter(user=learner).count() == 2
    client.post(reverse("account_logout"))
    assert Session.objects.filter(user=learner).count() == 1
    assert other_browser.get(HOME).status_code == 200


def test_a_session_naming_a_user_who_is_gone_saves_and_signs_in_no_one(db):
    # Saved in the moment its user is deleted: no constraint fails the write.
    store = SessionStore()
    store[SESSION_KEY] = "987654"
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store.create()
    assert Session.objects.get(session_key=store.session_key).user_id == 987654
    request = request_with_session(store.session_key)
    assert request.session.row_user is None
    assert not request.user.is_authenticated
