"""The pages read on a phone and follow the system's colour scheme."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, sign_in, tick_box
from tests.helpers import PASSWORD, make_user
from tracker.models import Section, Subtopic

PAGES = ["/", "/phases/deep-learning-foundations/", "/accounts/login/", "/accounts/signup/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_375_pixel_phone_without_sideways_scrolling(browser, live_roadmap, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_roadmap}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def signed_in_page(browser, live_roadmap, width=375, height=800, **options):
    """A new browser context `width` pixels wide, signed in as a new learner; and its page."""
    make_user("ada", password=PASSWORD)
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    sign_in(page, live_roadmap, "ada")
    return context, page


def test_a_learners_pages_fit_a_phone_too(browser, live_roadmap):
    context, page = signed_in_page(browser, live_roadmap)
    for path in ["/", "/home/", "/settings/profile/", "/progress/import/"]:
        page.goto(f"{live_roadmap}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    context.close()


def background_and_text(browser, url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    colours = page.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    context.close()
    return colours


def test_the_colour_scheme_follows_the_system_setting(browser, live_roadmap):
    light = background_and_text(browser, f"{live_roadmap}/", "light")
    dark = background_and_text(browser, f"{live_roadmap}/", "dark")
    assert light == ["rgb(251, 251, 253)", "rgb(27, 29, 36)"]
    assert dark == ["rgb(18, 19, 24)", "rgb(232, 233, 238)"]


def test_the_roadmap_reads_in_order_with_headings_for_every_level(page, live_roadmap):
    page.goto(f"{live_roadmap}/")
    levels = page.evaluate(
        "[...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1
    # No heading skips a level on the way down.
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert levels.count(4) == 55
    assert csp_violations(page) == []


VISIBLE_BOX = """selector => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, height: window.innerHeight};
}"""


@pytest.mark.parametrize(
    ("width", "scheme"), [(375, "light"), (375, "dark"), (1280, "light")], ids=str
)
def test_the_overall_progress_stays_in_sight_while_ticking_far_down(
    browser, live_roadmap, width, scheme
):
    context, page = signed_in_page(browser, live_roadmap, width, 700, color_scheme=scheme)
    page.goto(f"{live_roadmap}/")

    last = Subtopic.objects.order_by(
        "-topic__section__phase__order", "-topic__section__order", "-topic__order", "-order"
    )[0]
    box = page.locator(tick_box(last.pk))
    box.scroll_into_view_if_needed()
    box.check()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    # Far down the page, the meter is at the top of the window, whole.
    assert page.evaluate("window.scrollY") > 5000
    meter = page.evaluate(VISIBLE_BOX, "#overall-progress")
    assert meter["top"] >= 0 and meter["bottom"] <= 200
    # Opaque, in either scheme: the outline scrolls under it, not through it.
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.progress-summary')).backgroundColor"
    )
    assert background in ("rgb(255, 255, 255)", "rgb(28, 30, 38)")
    # The item ticked is not hidden behind it.
    item = page.evaluate(VISIBLE_BOX, f"#subtopic-{last.pk}")
    assert item["top"] >= page.evaluate(VISIBLE_BOX, ".progress-summary")["bottom"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_a_section_linked_to_opens_below_the_summary_not_behind_it(browser, live_roadmap):
    context, page = signed_in_page(browser, live_roadmap, height=700)
    section = Section.objects.order_by("-phase__order", "-order")[1]
    page.goto(f"{live_roadmap}/#section-{section.pk}")
    summary = page.evaluate(VISIBLE_BOX, ".progress-summary")
    heading = page.evaluate(VISIBLE_BOX, f"#section-{section.pk}-title")
    assert summary["top"] == 0
    assert heading["top"] >= summary["bottom"]
    context.close()
