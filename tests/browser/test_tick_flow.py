"""A learner signs up, verifies, signs in and ticks items in real Chromium."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, sign_in
from tests.helpers import PASSWORD, make_user
from tracker.models import Progress, Subtopic, Topic


def test_sign_up_verify_sign_in_and_tick_without_a_reload(page, live_roadmap):
    base = live_roadmap
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", "newbie")
    page.fill("#id_email", "newbie@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.press("#id_password2", "Enter")
    expect(page.locator("main")).to_contain_text("Verify")

    # The verification link from the e-mail, then allauth's confirm button.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link.replace("https://", "http://"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    sign_in(page, base, "newbie")
    page.goto(f"{base}/")
    subtopic = Subtopic.objects.select_related("topic__section__phase").get(title="Chain rule")
    topic, section = subtopic.topic, subtopic.topic.section
    phase = section.phase

    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.__sameDocument = true")

    page.check(f"#tick-{subtopic.pk}")
    expect(page.locator(f"#subtopic-{subtopic.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("25%")
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("1 done")
    expect(page.locator(f"#section-{section.pk}-progress")).to_contain_text("1 done")
    expect(page.locator(f"#phase-{phase.pk}-progress")).to_contain_text("1 done")
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    expect(page.locator("#overall-progress")).to_contain_text("210 total")
    expect(page.locator("#progress-announcer")).to_contain_text("Chain rule: done.")
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    # Focus stays on the checkbox the learner used, though its item was swapped.
    assert page.evaluate("document.activeElement.id") == f"tick-{subtopic.pk}"

    page.reload()
    expect(page.locator(f"#tick-{subtopic.pk}")).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    assert Progress.objects.get(user__username="newbie").status == "done"
    assert csp_violations(page) == []


def test_mark_a_whole_topic_done_and_learning_and_skip(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    topic = Topic.objects.get(title="Probability & Statistics")
    page.evaluate("window.__sameDocument = true")

    page.click(f"#topic-{topic.pk}-all-done")
    expect(page.locator(f"#topic-{topic.pk}")).to_have_class(re.compile("is-complete"))
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("100%")
    for subtopic in topic.subtopics.all():
        expect(page.locator(f"#tick-{subtopic.pk}")).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("4 done")

    learning = Subtopic.objects.get(title="Bayes' theorem")
    page.click(f"#learning-{learning.pk}")
    expect(page.locator(f"#learning-{learning.pk}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#overall-progress")).to_contain_text("3 done · 1 learning")
    skipped = Subtopic.objects.get(title="Random variables")
    page.click(f"#skip-{skipped.pk}")
    expect(page.locator(f"#skip-{skipped.pk}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#overall-progress")).to_contain_text("1 skipped")
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []


def test_the_keyboard_alone_ticks_an_item(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    subtopic = Subtopic.objects.get(title="Gradients and Jacobians")
    page.focus(f"#tick-{subtopic.pk}")
    page.keyboard.press("Space")
    expect(page.locator(f"#tick-{subtopic.pk}")).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    assert page.evaluate("document.activeElement.id") == f"tick-{subtopic.pk}"
    # The focused control shows a visible focus ring.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_ticking_works_with_javascript_off(browser, live_roadmap):
    make_user("ada", password=PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    subtopic = Subtopic.objects.get(title="Chain rule")
    item = page.locator(f"#subtopic-{subtopic.pk}")
    item.locator("input[type=checkbox]").check()
    item.get_by_role("button", name=re.compile("^Save")).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/#subtopic-{subtopic.pk}")
    expect(page.locator(f"#tick-{subtopic.pk}")).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")

    topic = Topic.objects.get(title="Optimization")
    page.click(f"#topic-{topic.pk}-all-done")
    page.wait_for_load_state()
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("100%")
    expect(page.locator("#overall-progress")).to_contain_text("5 done")
    context.close()
