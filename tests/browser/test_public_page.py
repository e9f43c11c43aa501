"""Publishing and sharing a progress page, in real Chromium."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import WATCH_CSP, csp_violations, sign_in, tick_box
from tests.helpers import PASSWORD, make_user, publish
from tracker.models import Subtopic

TICKED = ["Chain rule", "Gradients and Jacobians", "Eigenvalues and eigenvectors"]


def set_visibility(page, base, visibility):
    page.goto(f"{base}/settings/profile/")
    page.get_by_label(re.compile(f"^{visibility}:")).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Your profile settings are saved.")


def test_publish_share_and_unpublish_a_progress_page(page, context, browser, live_roadmap):
    base = live_roadmap
    make_user("ada", password=PASSWORD)
    sign_in(page, base, "ada")
    page.goto(f"{base}/")
    ticked = [Subtopic.objects.get(title=title) for title in TICKED]
    for subtopic in ticked:
        page.check(tick_box(subtopic.pk))
        expect(page.locator(f"#subtopic-{subtopic.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator("#overall-progress")).to_contain_text("3 done")

    set_visibility(page, base, "Public")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    share = page.get_by_role("button", name="Copy link")
    expect(share).to_be_visible()
    share.click()
    expect(page.locator("#share-url-status")).to_have_text("Link copied to the clipboard.")
    url = page.evaluate("navigator.clipboard.readText()")
    assert url == f"{base}/u/ada/"
    assert page.input_value("#share-url") == url
    # Both badge previews load.
    for image in page.locator(".badge-previews img").all():
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert csp_violations(page) == []

    visitor = browser.new_context()
    visitor.add_init_script(WATCH_CSP)
    other = visitor.new_page()
    response = other.goto(url)
    assert response.status == 200
    expect(other.locator("h1")).to_have_text("ada is 1% through the Complete AI Engineer Roadmap")
    expect(other.locator("#overall-progress")).to_contain_text("3 done")
    expect(other.locator("#overall-progress")).to_contain_text("210 total")
    for subtopic in ticked:
        item = other.locator(f"#subtopic-{subtopic.pk}")
        expect(item).to_have_class(re.compile("status-done"))
        expect(item.locator(".mark")).to_have_text("✓ done")
    assert other.locator("input[type=checkbox]").count() == 0
    assert "ada@example.com" not in other.content()
    assert csp_violations(other) == []

    set_visibility(page, base, "Private")
    response = other.goto(url)
    assert response.status == 404
    expect(other.locator("h1")).to_have_text("Page not found")
    assert csp_violations(page) == []
    visitor.close()


def test_each_badge_snippet_has_its_own_copy_button(page, context, live_roadmap):
    base = live_roadmap
    publish(make_user("ada", password=PASSWORD))
    sign_in(page, base, "ada")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.goto(f"{base}/settings/profile/")

    page.get_by_role("button", name="Copy Markdown").click()
    expect(page.locator("#badge-markdown-status")).to_have_text("Markdown copied to the clipboard.")
    markdown = page.evaluate("navigator.clipboard.readText()")
    assert markdown == f"[![AI Engineer Roadmap progress]({base}/u/ada/badge.svg)]({base}/u/ada/)"

    page.get_by_role("button", name="Copy HTML").click()
    expect(page.locator("#badge-html-status")).to_have_text("HTML copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == (
        f'<a href="{base}/u/ada/"><img src="{base}/u/ada/badge.svg"'
        ' alt="AI Engineer Roadmap progress"></a>'
    )
    assert csp_violations(page) == []


def test_the_badge_renders_under_the_csp_when_opened_directly(page, live_roadmap):
    publish(make_user("ada", password=PASSWORD))

    for theme in ("", "?theme=dark"):
        response = page.goto(f"{live_roadmap}/u/ada/badge.svg{theme}")
        assert response.status == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        box = page.locator("svg").bounding_box()
        assert box["width"] > 150
        assert box["height"] == 20
        assert csp_violations(page) == []


def test_without_javascript_the_link_is_there_to_copy_by_hand(browser, live_roadmap):
    publish(make_user("ada", password=PASSWORD))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{live_roadmap}/u/ada/")

    field = page.get_by_label("Link to this page")
    expect(field).to_be_visible()
    expect(field).to_have_value(f"{live_roadmap}/u/ada/")
    expect(field).to_have_attribute("readonly", "")
    # A copy button that could do nothing stays hidden.
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    context.close()
