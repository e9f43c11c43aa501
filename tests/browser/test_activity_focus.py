"""The activity calendar scrolls sideways on a phone, from the keyboard too.

At 375 px the calendar is wider than the screen and scrolls inside its own
box. A keyboard user can only scroll what can take focus, so the box is a
named region in the tab order (axe: scrollable-region-focusable).

Chromium 130 and later put any scroller in the tab order by themselves, so
here Tab and the arrow keys would work even without the markup; Safari does
not. The markup itself and axe's rule are what hold the fix for every browser.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.helpers import make_user, publish

PHONE = {"width": 375, "height": 800}
REGION = ".activity-scroll"


def signed_in_cookie(user, base):
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base}


def open_home(context, base):
    context.add_cookies([signed_in_cookie(make_user("ada"), base)])
    page = context.new_page()
    page.goto(f"{base}/home/")
    return page


def open_public_page(context, base):
    publish(make_user("ada"))
    page = context.new_page()
    page.goto(f"{base}/u/ada/")
    return page


@pytest.fixture(params=[open_home, open_public_page], ids=["home", "public page"])
def page_with_calendar(request, browser, live_roadmap):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    yield request.param(context, live_roadmap)
    context.close()


def tab_until_focused(page, selector, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return True
    return False


def scroll_left(page):
    return page.locator(REGION).evaluate("element => element.scrollLeft")


def wait_for_scroll(page, comparison, start):
    # Keyboard scrolling is smooth: wait for it rather than read it at once.
    page.wait_for_function(
        f"start => document.querySelector({REGION!r}).scrollLeft {comparison} start", arg=start
    )


def test_the_calendar_scrolls_inside_a_named_region(page_with_calendar):
    region = page_with_calendar.locator(REGION)

    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert page_with_calendar.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    assert page_with_calendar.get_by_role("region", name="Activity calendar").count() == 1


def test_tab_reaches_the_calendar_and_shows_where_focus_is(page_with_calendar):
    assert tab_until_focused(page_with_calendar, REGION), "Tab never reached the calendar"

    ring = page_with_calendar.locator(REGION).evaluate(
        "element => [element.matches(':focus-visible'), getComputedStyle(element).outlineStyle,"
        " getComputedStyle(element).outlineWidth]"
    )
    assert ring[0] is True
    assert ring[1] != "none"
    assert ring[2] != "0px"


def test_arrow_keys_scroll_the_focused_calendar(page_with_calendar):
    page = page_with_calendar
    assert tab_until_focused(page, REGION)
    # The calendar opens on its most recent weeks, at the right-hand end, so
    # it is scrolled back first; ArrowRight then brings later weeks in.
    start = scroll_left(page)
    page.keyboard.press("ArrowLeft")
    wait_for_scroll(page, "<", start)
    back = scroll_left(page)

    page.keyboard.press("ArrowRight")

    wait_for_scroll(page, ">", back)
    assert scroll_left(page) > back


def test_axe_finds_no_unfocusable_scrolling_region(page_with_calendar):
    results = Axe().run(
        page_with_calendar,
        options={"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}},
    )

    assert results.violations_count == 0, results.generate_report()
