"""Real Chromium through pytest-playwright, against pytest-django's live server.

Playwright cannot download its own browsers here, so it drives the system's
Chromium. Without one the browser tests are skipped with the reason shown,
except in CI, where a missing browser must fail the run.
"""

import os
import shutil

import pytest
from django.core.management import call_command

from tests.browser.helpers import WATCH_CSP

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# these tests make are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if not HAVE_CHROMIUM and os.environ.get("CI") != "true":
                item.add_marker(
                    pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not HAVE_CHROMIUM:
        pytest.fail(f"CI=true but no Chromium at {CHROMIUM}: the browser tests cannot run.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def context(context):
    context.add_init_script(WATCH_CSP)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page_without_javascript(browser):
    """A page whose scripts never run: what the site must still do with plain forms."""
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def live_roadmap(transactional_db, live_server):
    call_command("loaddata", "ai_engineer_roadmap", verbosity=0)
    return live_server.url
