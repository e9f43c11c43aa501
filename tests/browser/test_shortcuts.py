"""Keyboard shortcuts (static/js/shortcuts.js) in real Chromium."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, record_posts, sign_in, tick_box
from tests.helpers import PASSWORD, make_user
from tracker.models import Progress, Topic


@pytest.fixture
def calculus(live_roadmap):
    return list(Topic.objects.get(title="Calculus").subtopics.order_by("order"))


@pytest.fixture
def signed_in(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    return page


def item(page, subtopic, prefix=""):
    return page.locator(f"#{prefix}subtopic-{subtopic.pk}")


def statuses():
    return dict(Progress.objects.values_list("subtopic__title", "status"))


def test_each_state_has_its_key_and_focus_stays_on_the_item(signed_in, calculus):
    page, first = signed_in, calculus[0]
    page.focus(tick_box(first.pk))
    announcer = page.locator("#progress-announcer")
    for key, status, mark, counts in [
        ("d", "done", "", "1 done · 0 learning · 0 skipped"),
        ("l", "learning", "Learning", "0 done · 1 learning · 0 skipped"),
        ("s", "skipped", "Skipped", "0 done · 0 learning · 1 skipped"),
        ("r", "pending", "", "0 done · 0 learning · 0 skipped"),
    ]:
        page.keyboard.press(key)
        expect(item(page, first)).to_have_class(re.compile(f"status-{status}"))
        expect(page.locator("#overall-progress")).to_contain_text(counts)
        expect(item(page, first).locator(".mark")).to_have_count(1 if mark else 0)
        # The existing live region says what changed.
        expect(announcer).to_contain_text(f"{first.title}: ")
        expect(page.locator(tick_box(first.pk))).to_be_focused()
    assert statuses() == {}
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []


def test_three_items_ticked_with_d_and_the_arrows_without_the_mouse(signed_in, calculus):
    page = signed_in
    page.focus(tick_box(calculus[0].pk))
    for index in range(3):
        page.keyboard.press("d")
        expect(item(page, calculus[index])).to_have_class(re.compile("status-done"))
        page.keyboard.press("ArrowDown")
        expect(page.locator(tick_box(calculus[index + 1].pk))).to_be_focused()
    expect(page.locator("#overall-progress")).to_contain_text("3 done")
    assert statuses() == {subtopic.title: "done" for subtopic in calculus[:3]}
    # n and p step the same way; up goes back.
    page.keyboard.press("p")
    expect(page.locator(tick_box(calculus[2].pk))).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator(tick_box(calculus[1].pk))).to_be_focused()
    page.keyboard.press("n")
    expect(page.locator(tick_box(calculus[2].pk))).to_be_focused()


def test_the_next_item_after_a_topics_last_is_the_next_topics_first(signed_in, calculus):
    page, topic = signed_in, calculus[-1].topic
    following = (
        Topic.objects.filter(section=topic.section, order__gt=topic.order)
        .order_by("order")
        .first()
        .subtopics.order_by("order")
        .first()
    )
    page.focus(tick_box(calculus[-1].pk))
    page.keyboard.press("n")
    expect(page.locator(tick_box(following.pk))).to_be_focused()


def test_shortcuts_never_fire_while_typing_in_a_field(signed_in, calculus):
    page = signed_in
    posts = record_posts(page)
    # A text field inside an item, the worst case: typing there is typing.
    page.evaluate(
        """pk => {
          const field = document.createElement("input");
          field.type = "text";
          field.id = "typed";
          field.setAttribute("aria-label", "typed");
          document.getElementById(`subtopic-${pk}`).append(field);
        }""",
        calculus[0].pk,
    )
    page.focus("#typed")
    page.keyboard.type("dlsrnp?")
    expect(page.locator("#typed")).to_have_value("dlsrnp?")
    expect(page.locator("#typed")).to_be_focused()
    expect(page.locator("#shortcuts-help")).not_to_have_attribute("open", "")
    # Held with Ctrl, a letter is the browser's, not ours.
    page.focus(tick_box(calculus[0].pk))
    page.keyboard.press("Control+d")
    page.wait_for_timeout(300)
    assert posts == []
    assert statuses() == {}


def test_question_mark_opens_the_help_and_it_has_no_axe_violations(signed_in):
    page = signed_in
    page.locator("body").focus()
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-help")
    expect(dialog).to_have_attribute("open", "")
    expect(dialog).to_contain_text("Mark it as learning")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    # Its button opens it too.
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(dialog).to_have_attribute("open", "")
    assert csp_violations(page) == []


def test_shortcuts_are_turned_off_and_on_in_the_settings(signed_in, calculus, live_roadmap):
    page = signed_in
    page.get_by_role("button", name="Keyboard shortcuts").click()
    page.get_by_role("link", name="profile settings").click()
    setting = page.get_by_label("Keyboard shortcuts")
    expect(setting).to_be_checked()
    setting.uncheck()
    page.get_by_role("button", name="Save settings").click()

    page.goto(f"{live_roadmap}/")
    posts = record_posts(page)
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_have_count(0)
    page.focus(tick_box(calculus[0].pk))
    page.keyboard.press("d")
    page.keyboard.press("n")
    page.keyboard.press("?")
    expect(page.locator(tick_box(calculus[0].pk))).to_be_focused()
    page.wait_for_timeout(300)
    assert posts == []
    # Ticking itself still works.
    page.keyboard.press("Space")
    expect(item(page, calculus[0])).to_have_class(re.compile("status-done"))

    page.goto(f"{live_roadmap}/settings/profile/")
    page.get_by_label("Keyboard shortcuts").check()
    page.get_by_role("button", name="Save settings").click()
    page.goto(f"{live_roadmap}/")
    page.focus(tick_box(calculus[1].pk))
    page.keyboard.press("d")
    expect(item(page, calculus[1])).to_have_class(re.compile("status-done"))


def test_in_the_drawer_keys_act_on_the_guides_items(signed_in, calculus):
    page = signed_in
    topic = calculus[0].topic
    page.click(f"#topic-{topic.pk}-title a")
    expect(page.locator("#topic-drawer")).to_have_attribute("open", "")
    page.focus(tick_box(calculus[0].pk, "guide-"))
    page.keyboard.press("l")
    expect(item(page, calculus[0], "guide-")).to_have_class(re.compile("status-learning"))
    # The outline behind it follows, out of band.
    expect(item(page, calculus[0]).locator(".mark")).to_have_text("Learning")
    expect(page.locator(tick_box(calculus[0].pk, "guide-"))).to_be_focused()
    page.keyboard.press("n")
    expect(page.locator(tick_box(calculus[1].pk, "guide-"))).to_be_focused()
    assert statuses() == {calculus[0].title: "learning"}


def test_without_javascript_there_is_no_shortcuts_button(page_without_javascript, live_roadmap):
    page = page_without_javascript
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_have_count(0)
