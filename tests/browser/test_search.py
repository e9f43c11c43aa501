"""Search and filters on the roadmap page in real Chromium: in place with htmx,
as a plain GET form without JavaScript, and the "/" key."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, sign_in, tick_box
from tests.helpers import PASSWORD, make_user
from tracker.models import Progress, Subtopic, Topic


@pytest.fixture
def signed_in(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    return page


def console_errors(page):
    """Errors the page logs from now on (htmx logs an out-of-band piece with no target)."""
    errors = []

    def record(message):
        if message.type == "error":
            errors.append(message.text)

    page.on("console", record)
    return errors


def test_results_follow_the_typing_in_place_with_the_address_and_the_count(signed_in):
    page = signed_in
    base = page.url.rstrip("/")
    # The live region is there before the update and stays: a screen reader
    # announces a change to its text, not a region that is replaced.
    page.evaluate("window.__count = document.getElementById('search-count')")

    page.fill("#search-q", "attention")

    count = page.locator("#search-count")
    expect(count).to_have_text(re.compile(r"^\d+ items in \d+ topics match “attention”\.$"))
    expect(page).to_have_url(f"{base}/?q=attention&show=everything")
    expect(page.locator("#search-results h4")).to_contain_text(["Transformer Architecture"])
    expect(page.locator("#toc-title")).to_have_count(0)
    assert page.evaluate("document.getElementById('search-count') === window.__count") is True
    assert page.evaluate("window.__sameDocument") is True

    # A filter changes the results the same way.
    page.get_by_label("Only learning").check()
    expect(count).to_have_text("No items match “attention” (only learning).")
    expect(page).to_have_url(f"{base}/?q=attention&show=learning")
    assert page.evaluate("window.__sameDocument") is True

    # Back reloads the address before, in full.
    page.go_back()
    expect(page).to_have_url(f"{base}/?q=attention&show=everything")
    expect(page.locator("#search-q")).to_have_value("attention")
    expect(page.locator("#search-count")).to_contain_text("match “attention”")
    assert csp_violations(page) == []


def test_ticking_an_item_in_the_results_updates_it_and_its_counters(signed_in):
    page = signed_in
    errors = console_errors(page)
    item = Subtopic.objects.select_related("topic").get(title="Chain rule")
    page.fill("#search-q", "chain rule")
    expect(page.locator("#search-count")).to_contain_text("match “chain rule”")

    page.check(tick_box(item.pk))

    expect(page.locator(f"#subtopic-{item.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator(f"#topic-{item.topic.pk}-progress")).to_contain_text("1 done")
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    expect(page.locator("#progress-announcer")).to_contain_text("Chain rule: done.")
    assert Progress.objects.get(subtopic=item).status == "done"
    assert page.evaluate("window.__sameDocument") is True
    assert errors == []
    assert csp_violations(page) == []


def test_the_search_works_as_a_plain_form_without_javascript(page_without_javascript, live_roadmap):
    page = page_without_javascript
    ada = make_user("ada", password=PASSWORD)
    learning = Subtopic.objects.get(title="Multi-head attention")
    Progress.objects.create(user=ada, subtopic=learning, status="learning")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")

    page.fill("#search-q", "attention")
    page.get_by_label("Only learning").check()
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()

    assert page.url == f"{live_roadmap}/?q=attention&show=learning"
    expect(page.locator("li.subtopic")).to_have_count(1)
    expect(page.locator(f"#subtopic-{learning.pk}")).to_be_visible()
    expect(page.locator("#search-count")).to_have_text(
        "1 item in 1 topic matches “attention” (only learning)."
    )
    # Bookmarkable: the same address, opened again, shows the same.
    page.goto(page.url)
    expect(page.locator("#search-q")).to_have_value("attention")
    expect(page.get_by_label("Only learning")).to_be_checked()


def test_a_visitor_searches_in_place_too(page, live_roadmap):
    page.goto(f"{live_roadmap}/")
    assert page.locator("input[name=show]").count() == 0
    page.fill("#search-q", "chromadb")
    expect(page.locator("#search-count")).to_have_text("1 item in 1 topic matches “chromadb”.")
    expect(page.locator("li.subtopic")).to_have_count(1)
    expect(page).to_have_url(f"{live_roadmap}/?q=chromadb")
    assert csp_violations(page) == []


def test_slash_goes_to_the_search_box_but_types_a_slash_in_a_field(signed_in):
    page = signed_in
    first = Topic.objects.get(title="Calculus").subtopics.order_by("order").first()
    page.focus(tick_box(first.pk))

    page.keyboard.press("/")

    search = page.locator("#search-q")
    expect(search).to_be_focused()
    expect(search).to_have_value("")  # the key moved focus and typed nothing
    # In the field, "/" is a character like any other, and d is no shortcut.
    page.keyboard.type("a/d")
    expect(search).to_have_value("a/d")
    expect(search).to_be_focused()
    assert not Progress.objects.exists()


def test_the_help_dialog_lists_the_slash(signed_in):
    page = signed_in
    page.keyboard.press("?")
    expect(page.locator("#shortcuts-help")).to_contain_text("Go to the search box")
