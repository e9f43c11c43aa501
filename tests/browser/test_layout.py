"""The pages read on a phone and follow the system's colour scheme."""

import pytest

from tests.browser.helpers import csp_violations, sign_in
from tests.helpers import PASSWORD, make_user

PAGES = ["/", "/phases/deep-learning-foundations/", "/accounts/login/", "/accounts/signup/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_375_pixel_phone_without_sideways_scrolling(browser, live_roadmap, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_roadmap}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_a_learners_pages_fit_a_phone_too(browser, live_roadmap):
    make_user("ada", password=PASSWORD)
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    sign_in(page, live_roadmap, "ada")
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
