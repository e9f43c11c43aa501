"""The usual cast of the tests: the real roadmap, learners, staff, a visitor."""

import os
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.helpers import make_user
from tracker.views import page_memo


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, test in a file rather than in memory.

    An in-memory database is one connection that Django shares between the
    test and every thread of the browser tests' live server, so two requests
    at once (a page loading both badge images) can trip over each other in
    SQLite ("bad parameter or other API misuse"). A file gives each thread a
    connection of its own, as PostgreSQL does. The name is per process, so
    two runs on one machine never share it.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(tempfile.gettempdir()) / f"roadmap-tests-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


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
    page_memo.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()
    page_memo.clear()


# The rows the committed fixture loads, as the first test to ask loaded them.
_loaded_roadmap = {}


@pytest.fixture
def roadmap(db):
    """The real seed's content, loaded from the committed fixture.

    loaddata reads it once per test run (about 5,000 queries: each object
    looks its natural keys up); every later test gets the same rows back in
    one bulk insert per table, and a new content version as loaddata's saves
    would give, so the suite does not spend most of its time on PostgreSQL
    loading the same fixture hundreds of times. Its tree is read into this
    process's memory at once, as the first request after a content change
    would: query budgets measure the pages every later request serves
    (tests/test_content_cache.py measures the read).
    """
    from tracker.content import versioning
    from tracker.content.tree import default_tree
    from tracker.models import Roadmap

    if _loaded_roadmap:
        for model, rows in _loaded_roadmap.items():
            model.objects.bulk_create(rows)
        versioning.bump()
    else:
        call_command("loaddata", "ai_engineer_roadmap", verbosity=0)
        _loaded_roadmap.update(_content_rows())
    default_tree()
    return Roadmap.objects.get()


def _content_rows():
    """Every content row, parents before children, as unsaved copies."""
    from tracker.models import Phase, Resource, Roadmap, Section, Subtopic, Topic

    prerequisites = Topic.prerequisites.through
    models = (Roadmap, Phase, Section, Topic, Subtopic, Resource, prerequisites)
    return {model: list(model.objects.order_by("pk")) for model in models}


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


@pytest.fixture
def memory_cache(settings):
    """The default cache in this process's memory instead of the database: a
    query budget then counts the view's own queries and not the cache's."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    # A memory cache outlives the settings that named it: start and end empty.
    cache.clear()
    yield cache
    cache.clear()
