"""A learner's notes and links in real Chromium: the drawer, two tabs, no JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, sign_in
from tests.helpers import make_user
from tracker.models import Link, Note, Topic


@pytest.fixture
def transformer(live_roadmap):
    return Topic.objects.select_related("section__phase").get(title="Transformer Architecture")


def topic_path(topic):
    return f"/topics/{topic.section.phase.slug}/{topic.section.slug}/{topic.slug}/"


def note_of(topic):
    return Note.objects.filter(topic=topic).values_list("body", "revision").first()


def test_a_note_written_in_the_drawer_saves_on_leaving_the_box_and_on_ctrl_enter(
    page, live_roadmap, transformer
):
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    page.locator(f"#topic-{transformer.pk}-title a").click()
    drawer = page.locator("#topic-drawer")
    box = drawer.get_by_label("Your notes on Transformer Architecture")

    box.fill("Attention weighs every token against every other.")
    page.keyboard.press("Tab")  # leaving the box saves
    expect(drawer.locator(".note-status")).to_contain_text("Saved at")
    expect(drawer.locator(".note-text")).to_contain_text("Attention weighs every token")
    expect(page.locator("#progress-announcer")).to_have_text(
        "Notes on Transformer Architecture saved."
    )
    assert note_of(transformer) == ("Attention weighs every token against every other.", 1)
    # The outline behind the drawer marks the topic now.
    expect(page.locator(f"#topic-{transformer.pk} .note-mark")).to_have_count(1)

    box.focus()
    page.keyboard.press("End")
    page.keyboard.type(" **Scaled** by the square root of d.")
    page.keyboard.press("Control+Enter")
    expect(drawer.locator(".note-text strong")).to_have_text("Scaled")
    expect(box).to_be_focused()  # the box was not swapped away under the caret
    assert note_of(transformer)[1] == 2
    # Leaving the box now sends the same text again: no new revision, no conflict.
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert note_of(transformer)[1] == 2
    expect(drawer.locator(".note-conflict")).to_have_count(0)

    # Emptying the note deletes it and takes the marker away.
    box.fill("")
    page.keyboard.press("Tab")
    expect(page.locator("#progress-announcer")).to_have_text(
        "Notes on Transformer Architecture deleted."
    )
    expect(page.locator(f"#topic-{transformer.pk} .note-mark")).to_have_count(0)
    assert note_of(transformer) is None
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []


def test_two_tabs_never_silently_overwrite_each_other(context, live_roadmap, transformer):
    make_user("ada")
    first = context.new_page()
    sign_in(first, live_roadmap, "ada")
    second = context.new_page()
    for tab in (first, second):
        tab.goto(f"{live_roadmap}{topic_path(transformer)}")
    label = "Your notes on Transformer Architecture"

    first.get_by_label(label).fill("Written in the first tab")
    first.get_by_role("button", name="Save notes").click()
    expect(first.locator(".note-status")).to_contain_text("Saved at")

    second.get_by_label(label).fill("Written in the second tab")
    second.keyboard.press("Tab")
    conflict = second.locator(".note-conflict")
    expect(conflict).to_contain_text("changed in another tab or window")
    expect(conflict.locator(".note-text")).to_have_text("Written in the first tab")
    expect(second.get_by_label(label)).to_have_value("Written in the second tab")
    assert note_of(transformer) == ("Written in the first tab", 1)

    # Leaving the box again does not save over it: only the button does.
    second.get_by_label(label).focus()
    second.keyboard.press("End")
    second.keyboard.type(" (edited)")
    second.keyboard.press("Tab")
    second.wait_for_timeout(300)
    assert note_of(transformer) == ("Written in the first tab", 1)
    second.get_by_role("button", name="Save notes").click()
    expect(second.locator(".note-conflict")).to_have_count(0)
    expect(second.locator(".note-text")).to_have_text("Written in the second tab (edited)")
    assert note_of(transformer) == ("Written in the second tab (edited)", 2)


def test_notes_and_links_work_with_javascript_off(
    page_without_javascript, live_roadmap, transformer
):
    page = page_without_javascript
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}{topic_path(transformer)}")
    page.get_by_label("Your notes on Transformer Architecture").fill("# Plan\n\nRead the paper.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator(".note-text h1")).to_have_text("Plan")
    assert note_of(transformer) == ("# Plan\n\nRead the paper.", 1)

    links = page.locator(f"#links-{transformer.pk}")
    links.get_by_label("Title").fill("The Annotated Transformer")
    links.get_by_label("Address").fill("https://nlp.seas.harvard.edu/annotated-transformer/")
    links.get_by_label("Kind").select_option("article")
    links.get_by_role("button", name="Add link").click()
    expect(page.locator(f"#links-{transformer.pk} a")).to_have_text("The Annotated Transformer")
    assert Link.objects.filter(topic=transformer).count() == 1

    page.get_by_role("button", name="Remove your link The Annotated Transformer").click()
    expect(page.locator(f"#links-{transformer.pk} a")).to_have_count(0)
    assert not Link.objects.exists()


def test_a_link_added_with_htmx_shows_as_yours_and_a_bad_one_says_why(
    page, live_roadmap, transformer
):
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}{topic_path(transformer)}")
    page.evaluate("window.__sameDocument = true")
    links = page.locator(f"#links-{transformer.pk}")
    links.get_by_label("Title").fill("Bad one")
    links.get_by_label("Address").fill("ftp://example.org/x")
    links.get_by_role("button", name="Add link").click()
    expect(links.locator(".error")).to_contain_text("starting with http:// or https://")
    expect(links.get_by_label("Address")).to_have_attribute("aria-invalid", "true")

    links.get_by_label("Address").fill("https://arxiv.org/abs/1706.03762")
    links.get_by_label("Kind").select_option("paper")
    links.get_by_role("button", name="Add link").click()
    expect(links.locator("li")).to_contain_text("Bad one")
    expect(links.locator("li")).to_contain_text("Paper · yours")
    assert page.evaluate("window.__sameDocument") is True
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert csp_violations(page) == []
