"""The usual cast of the tests: the real roadmap, learners, staff, a visitor."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.helpers import make_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Real hashing would spend most of the suite's time on the cast's
    # passwords; what is tested is the flows, not the hasher's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DB_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    """allauth counts rate limits in the cache: one test's attempts must not
    throttle the next. The cache may live in the test database, so it is only
    touched once that database exists."""
    uses_db = request.node.get_closest_marker("django_db") or not DB_FIXTURES.isdisjoint(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def roadmap(db):
    """The real seed's content, loaded from the committed fixture."""
    from tracker.models import Roadmap

    call_command("loaddata", "ai_engineer_roadmap", verbosity=0)
    return Roadmap.objects.get()


@pytest.fixture
def learner(db):
    return make_user("ada")


@pytest.fixture
def other_learner(db):
    return make_user("grace")


@pytest.fixture
def staff_user(db):
    return make_user("curator", staff=True)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
