"""Focus on the roadmap in real Chromium (static/js/focus.js): phases and
sections fold, the address keeps what is folded, and "next not started"."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, sign_in, tick_box
from tests.helpers import PASSWORD, make_user
from tracker.models import Phase, Progress, Section, Subtopic, Topic


@pytest.fixture
def section(live_roadmap):
    return Section.objects.get(title="Mathematical Foundations")


@pytest.fixture
def signed_in(page, live_roadmap):
    ada = make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    return page, ada


def fold(page, element_id):
    return page.locator(f"#{element_id} > details.fold")


def closed_in_address(page):
    return parse_qs(urlparse(page.url).query).get("closed", [""])[0].split(",")


def in_order():
    return list(
        Subtopic.objects.order_by(
            "topic__section__phase__order", "topic__section__order", "topic__order", "order"
        )
    )


def test_sections_and_phases_fold_from_the_keyboard_and_the_address_keeps_it(
    page, live_roadmap, section
):
    page.goto(f"{live_roadmap}/")
    summary = page.locator(f"#section-{section.pk} > details > summary")
    summary.focus()
    topic = Topic.objects.filter(section=section).first()
    expect(page.locator(f"#topic-{topic.pk}")).to_be_visible()
    page.keyboard.press("Enter")
    expect(fold(page, f"section-{section.pk}")).not_to_have_attribute("open", "")
    expect(page.locator(f"#topic-{topic.pk}")).to_be_hidden()
    # The heading stays in sight, a heading still.
    expect(page.get_by_role("heading", level=3, name=section.title)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?closed=section-{section.pk}$"))

    phase = Phase.objects.order_by("order").last()
    page.locator(f"#{phase.slug} > details > summary").focus()
    page.keyboard.press("Space")
    expect(fold(page, phase.slug)).not_to_have_attribute("open", "")
    expect(page).to_have_url(re.compile(rf"closed=section-{section.pk},phase-{phase.pk}$"))

    # Space opens it again, and it leaves the address.
    summary.focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#topic-{topic.pk}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?closed=phase-{phase.pk}$"))
    assert csp_violations(page) == []


def test_a_bookmarked_address_reopens_the_page_as_it_was_left(page, live_roadmap, section):
    phase = Phase.objects.order_by("order").last()
    page.goto(f"{live_roadmap}/?closed=section-{section.pk},phase-{phase.pk},section-99999,x")
    expect(fold(page, f"section-{section.pk}")).not_to_have_attribute("open", "")
    expect(fold(page, phase.slug)).not_to_have_attribute("open", "")
    open_ones = page.locator("details.fold[open]").count()
    assert open_ones == page.locator("details.fold").count() - 2
    # Unknown keys are dropped from the address at the first change.
    page.locator(f"#{phase.slug} > details > summary").click()
    expect(page).to_have_url(re.compile(rf"\?closed=section-{section.pk}$"))


def test_an_anchor_inside_a_folded_section_opens_it(page, live_roadmap, section):
    topic = Topic.objects.filter(section=section).last()
    page.goto(
        f"{live_roadmap}/?closed=section-{section.pk},phase-{section.phase_id}#topic-{topic.pk}"
    )
    expect(page.locator(f"#topic-{topic.pk}")).to_be_in_viewport()
    assert closed_in_address(page) == [""]
    # Folded again, a link to it (a hash change) opens it again.
    page.locator(f"#section-{section.pk} > details > summary").click()
    expect(page.locator(f"#topic-{topic.pk}")).to_be_hidden()
    page.evaluate("location.hash = ''")
    page.evaluate(f"location.hash = 'topic-{topic.pk}'")
    expect(page.locator(f"#topic-{topic.pk}")).to_be_in_viewport()
    # The contents' link to a folded phase opens it.
    last = Phase.objects.order_by("order").last()
    page.locator(f"#{last.slug} > details > summary").click()
    expect(fold(page, last.slug)).not_to_have_attribute("open", "")
    page.locator(f'.toc a[href="#{last.slug}"]').click()
    expect(fold(page, last.slug)).to_have_attribute("open", "")


def test_j_jumps_to_the_next_item_not_started_opening_its_folds(signed_in, live_roadmap):
    page, ada = signed_in
    items = in_order()
    # The first three are done; the fifth is learning.
    Progress.objects.bulk_create(Progress(user=ada, subtopic=s, status="done") for s in items[:3])
    Progress.objects.create(user=ada, subtopic=items[4], status="learning")
    first_section = items[0].topic.section
    page.goto(f"{live_roadmap}/?closed=section-{first_section.pk}")
    page.locator("body").focus()
    page.keyboard.press("j")
    expect(page.locator(tick_box(items[3].pk))).to_be_focused()
    expect(page.locator(tick_box(items[3].pk))).to_be_in_viewport()
    expect(fold(page, f"section-{first_section.pk}")).to_have_attribute("open", "")
    expect(page.locator("#progress-announcer")).to_have_text(
        f"Next not started: {items[3].title}, in {items[3].topic.title}."
    )
    # From there it skips the learning one.
    page.keyboard.press("j")
    expect(page.locator(tick_box(items[5].pk))).to_be_focused()
    # Ticked with d, the next j goes on after it.
    page.keyboard.press("d")
    expect(page.locator(f"#subtopic-{items[5].pk}")).to_have_class(re.compile("status-done"))
    page.keyboard.press("j")
    expect(page.locator(tick_box(items[6].pk))).to_be_focused()
    assert csp_violations(page) == []


def test_the_next_not_started_button_sits_in_the_sticky_summary_on_a_phone(browser, live_roadmap):
    ada = make_user("ada", password=PASSWORD)
    items = in_order()
    Progress.objects.bulk_create(Progress(user=ada, subtopic=s, status="done") for s in items[:100])
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    button = page.get_by_role("button", name="Next not started")
    button.click()
    box = page.locator(tick_box(items[100].pk))
    expect(box).to_be_focused()
    # Far down, the summary and its button are still at the top, and the item is not under them.
    assert page.evaluate("window.scrollY") > 3000
    summary = page.locator(".progress-summary").bounding_box()
    assert summary["y"] == 0 and summary["height"] < 200
    expect(button).to_be_in_viewport()
    assert box.bounding_box()["y"] >= summary["y"] + summary["height"]
    button.click()
    expect(page.locator(tick_box(items[101].pk))).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_j_is_in_the_help_and_never_fires_while_typing(signed_in, live_roadmap):
    page, _ = signed_in
    page.goto(f"{live_roadmap}/")
    page.locator("body").focus()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts-help")).to_contain_text("Jump to the next item not started")
    page.keyboard.press("Escape")
    page.evaluate(
        """() => {
          const field = document.createElement("input");
          field.id = "typed";
          field.setAttribute("aria-label", "typed");
          document.querySelector(".progress-summary").append(field);
        }"""
    )
    page.focus("#typed")
    page.keyboard.type("jj")
    expect(page.locator("#typed")).to_have_value("jj")
    expect(page.locator("#typed")).to_be_focused()
