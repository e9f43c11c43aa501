"""Marking a whole section or phase in real Chromium, with htmx and without JavaScript."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, record_posts, sign_in, tick_box
from tests.helpers import PASSWORD, make_user
from tracker.models import Progress, Section, Subtopic


@pytest.fixture
def section(live_roadmap):
    return Section.objects.get(title="Mathematical Foundations")


@pytest.fixture
def ada(live_roadmap):
    return make_user("ada", password=PASSWORD)


def items_of(section):
    return list(Subtopic.objects.filter(topic__section=section).order_by("pk"))


def statuses():
    return dict(Progress.objects.values_list("subtopic_id", "status"))


def give(user, subtopics, status):
    Progress.objects.bulk_create(Progress(user=user, subtopic=s, status=status) for s in subtopics)


def open_bulk(page, section):
    page.locator(f"#section-{section.pk} .section-header .bulk > summary").click()


def test_with_htmx_a_section_is_marked_in_place(page, live_roadmap, ada, section):
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    open_bulk(page, section)
    page.get_by_role("button", name="Mark section done: Mathematical Foundations").click()
    for item in items_of(section):
        expect(page.locator(f"#subtopic-{item.pk}")).to_have_class(re.compile("status-done"))
        expect(page.locator(tick_box(item.pk))).to_be_checked()
    expect(page.locator(f"#section-{section.pk}-progress")).to_contain_text("16 done")
    expect(page.locator("#overall-progress")).to_contain_text("16 done")
    expect(page.locator("#progress-announcer")).to_contain_text(
        "All of Mathematical Foundations: done."
    )
    # Focus is back on the section's "Mark section…", which the answer closed.
    expect(page.locator(f"#section-{section.pk} .bulk > summary")).to_be_focused()
    assert statuses() == {item.pk: "done" for item in items_of(section)}
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []


def test_with_htmx_overwriting_many_asks_in_a_dialog_first(page, live_roadmap, ada, section):
    give(ada, items_of(section)[:11], "learning")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    open_bulk(page, section)
    button = page.get_by_role("button", name="Mark section not started: Mathematical Foundations")
    button.click()
    dialog = page.get_by_role("dialog", name="Mark all of Mathematical Foundations not started?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("This will change 11 items you already marked")
    # Focus starts on Cancel, the choice that changes nothing; Escape closes it.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    assert len(statuses()) == 11

    # Asked again and confirmed from the keyboard.
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#section-{section.pk}-progress")).to_contain_text("0 learning")
    expect(page.locator("#overall-progress")).to_contain_text("0 done · 0 learning")
    assert statuses() == {}
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []


def test_a_phase_marked_with_htmx_keeps_its_folds(page, live_roadmap, ada, section):
    sign_in(page, live_roadmap, "ada")
    other = Section.objects.filter(phase=section.phase).exclude(pk=section.pk).first()
    page.goto(f"{live_roadmap}/?closed=section-{other.pk}")
    page.locator(f"#{section.phase.slug} .phase-header .bulk > summary").click()
    page.get_by_role("button", name=f"Mark phase learning: {section.phase.title}").click()
    expect(page.locator("#overall-progress")).to_contain_text("48 learning")
    # The phase was drawn anew, open; the section closed before is closed again.
    expect(page.locator(f"#section-{other.pk} > details")).not_to_have_attribute("open", "")
    expect(page.locator(f"#section-{section.pk} > details")).to_have_attribute("open", "")


def test_without_javascript_a_section_is_marked_after_a_confirmation_page(
    page_without_javascript, live_roadmap, ada, section
):
    page = page_without_javascript
    give(ada, items_of(section)[:12], "skipped")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    posts = record_posts(page)
    open_bulk(page, section)
    page.get_by_role("button", name="Mark section learning: Mathematical Foundations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mark all of Mathematical Foundations learning?"
    )
    expect(page.locator("#confirm-text")).to_contain_text("12 skipped")
    assert statuses() == {item.pk: "skipped" for item in items_of(section)[:12]}
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert page.url == f"{live_roadmap}/#section-{section.pk}"
    expect(page.locator(f"#section-{section.pk}-progress")).to_contain_text("16 learning")
    assert statuses() == {item.pk: "learning" for item in items_of(section)}
    assert len(posts) == 2


def test_without_javascript_cancel_goes_back_and_a_small_change_needs_no_question(
    page_without_javascript, live_roadmap, ada, section
):
    page = page_without_javascript
    give(ada, items_of(section)[:11], "learning")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    open_bulk(page, section)
    page.get_by_role("button", name="Mark section done: Mathematical Foundations").click()
    page.get_by_role("link", name="Cancel").click()
    assert page.url == f"{live_roadmap}/#section-{section.pk}"
    assert len(statuses()) == 11 and set(statuses().values()) == {"learning"}

    Progress.objects.filter(subtopic=items_of(section)[0]).delete()  # ten left to change
    page.reload()
    open_bulk(page, section)
    page.get_by_role("button", name="Mark section done: Mathematical Foundations").click()
    page.wait_for_load_state()
    assert page.url == f"{live_roadmap}/#section-{section.pk}"
    assert statuses() == {item.pk: "done" for item in items_of(section)}
