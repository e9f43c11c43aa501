"""A topic's guide in real Chromium: the roadmap's drawer by keyboard, the page without JS."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, learning_button, sign_in, tick_box
from tests.helpers import make_user
from tracker.models import Progress, Topic


@pytest.fixture
def transformer(live_roadmap):
    return Topic.objects.select_related("section__phase").get(title="Transformer Architecture")


def topic_path(topic):
    return f"/topics/{topic.section.phase.slug}/{topic.section.slug}/{topic.slug}/"


FOCUS_THE_CONTROL_BEFORE = """link => {
  const controls = [
    ...document.querySelectorAll("a[href], button, summary, input:not([type=hidden])"),
  ].filter(control => control.checkVisibility());
  controls[controls.indexOf(link) - 1].focus();
}"""


def assert_no_axe_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_drawer_opens_by_keyboard_ticks_in_place_and_closes_with_escape(
    page, live_roadmap, transformer
):
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    # Survives only while the document does: no reload, whatever the address bar shows.
    page.evaluate("window.__sameDocument = true")

    # From the control just before it, Tab reaches the title; Enter opens the guide.
    link = page.locator(f"#topic-{transformer.pk}-title a")
    link.evaluate(FOCUS_THE_CONTROL_BEFORE)
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")

    drawer = page.locator("#topic-drawer")
    expect(drawer).to_have_attribute("open", "")
    expect(page.locator("#guide-title")).to_be_focused()
    expect(drawer).to_contain_text("Why it matters")
    expect(drawer.locator('a[href="https://arxiv.org/abs/1706.03762"]')).to_be_visible()
    expect(page).to_have_url(f"{live_roadmap}{topic_path(transformer)}")
    assert_no_axe_violations(page)

    subtopic = transformer.subtopics.first()
    drawer.locator(tick_box(subtopic.pk, "guide-")).check()
    expect(page.locator(f"#guide-subtopic-{subtopic.pk}")).to_have_class(re.compile("status-done"))
    # The outline behind the drawer changed too, out of band.
    expect(page.locator(tick_box(subtopic.pk))).to_be_checked()
    expect(page.locator(f"#topic-{transformer.pk}-progress")).to_contain_text("1 done")
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    expect(page.locator("#progress-announcer")).to_contain_text(f"{subtopic.title}: done.")
    expect(page.locator(tick_box(subtopic.pk, "guide-"))).to_be_focused()

    # Tab moves on to the item's Learning button; Enter presses it, focus stays.
    following = transformer.subtopics.all()[1]
    page.keyboard.press("Tab")
    learning = page.locator(learning_button(subtopic.pk, "guide-"))
    expect(learning).to_be_focused()
    page.keyboard.press("Enter")
    expect(learning).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#overall-progress")).to_contain_text("0 done · 1 learning")
    expect(page.locator(f"#subtopic-{subtopic.pk} .mark")).to_have_text("Learning")
    expect(learning).to_be_focused()
    # Space presses it again: back to not started.
    page.keyboard.press("Space")
    expect(learning).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#overall-progress")).to_contain_text("0 done · 0 learning")
    expect(learning).to_be_focused()
    drawer.locator(tick_box(following.pk, "guide-")).check()
    expect(page.locator(tick_box(following.pk))).to_be_checked()

    page.keyboard.press("Escape")
    expect(drawer).not_to_have_attribute("open", "")
    expect(link).to_be_focused()
    # The dialog's close event, which puts the address back, is queued after
    # the open attribute goes: wait for it rather than read the URL at once.
    expect(page).to_have_url(f"{live_roadmap}/")
    assert page.evaluate("window.__sameDocument") is True
    # The first item, back to not started, has no row; the second is done.
    rows = Progress.objects.filter(user__username="ada").values_list("subtopic", "status")
    assert list(rows) == [(following.pk, "done")]
    assert csp_violations(page) == []


def test_the_topic_page_works_without_javascript(
    page_without_javascript, live_roadmap, transformer
):
    page = page_without_javascript
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}{topic_path(transformer)}")
    expect(page.locator("h1")).to_have_text("Transformer Architecture")

    subtopic = transformer.subtopics.first()
    page.locator(tick_box(subtopic.pk, "guide-")).check()
    page.get_by_role("button", name=f"Save ticks: {transformer.title}").click()
    page.wait_for_load_state()

    # Back on the topic's own page, not the roadmap.
    assert page.url.startswith(f"{live_roadmap}{topic_path(transformer)}")
    expect(page.locator(tick_box(subtopic.pk, "guide-"))).to_be_checked()
    expect(page.locator(f"#topic-{transformer.pk}-progress")).to_contain_text("1 done")
    assert Progress.objects.get(user__username="ada").status == "done"


def test_the_topic_page_ticks_without_a_reload(page, live_roadmap, transformer):
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}{topic_path(transformer)}")
    page.evaluate("window.__sameDocument = true")

    subtopic = transformer.subtopics.first()
    page.check(tick_box(subtopic.pk, "guide-"))
    expect(page.locator(f"#guide-subtopic-{subtopic.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator(f"#topic-{transformer.pk}-progress")).to_contain_text("1 done")
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    expect(page.locator("#progress-announcer")).to_contain_text(f"{subtopic.title}: done.")
    expect(page.locator(tick_box(subtopic.pk, "guide-"))).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True
    assert Progress.objects.get(user__username="ada").status == "done"
    assert csp_violations(page) == []


def test_the_topic_page_has_no_axe_violations(page, live_roadmap, transformer):
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}{topic_path(transformer)}")
    assert_no_axe_violations(page)
    assert csp_violations(page) == []
