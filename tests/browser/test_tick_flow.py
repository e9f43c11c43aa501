"""A learner signs up, verifies, signs in and ticks items in real Chromium."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import (
    all_done_button,
    csp_violations,
    learning_button,
    record_posts,
    sign_in,
    skip_button,
    tick_box,
)
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

    page.check(tick_box(subtopic.pk))
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
    expect(page.locator(tick_box(subtopic.pk))).to_be_focused()

    page.reload()
    expect(page.locator(tick_box(subtopic.pk))).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    assert Progress.objects.get(user__username="newbie").status == "done"
    assert csp_violations(page) == []


def test_mark_a_whole_topic_done_and_learning_and_skip(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    topic = Topic.objects.get(title="Probability & Statistics")
    page.evaluate("window.__sameDocument = true")

    page.click(all_done_button(topic.pk))
    expect(page.locator(f"#topic-{topic.pk}")).to_have_class(re.compile("is-complete"))
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("100%")
    for subtopic in topic.subtopics.all():
        expect(page.locator(tick_box(subtopic.pk))).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("4 done")
    expect(page.locator("#progress-announcer")).to_contain_text(f"All of {topic.title}: done.")
    # The whole topic was swapped; focus is on the new copy of the button pressed.
    expect(page.locator(all_done_button(topic.pk))).to_be_focused()

    # Learning and Skip are the guide's: the drawer opens from the topic's title.
    page.click(f"#topic-{topic.pk}-title a")
    drawer = page.locator("#topic-drawer")
    expect(drawer).to_have_attribute("open", "")
    learning = Subtopic.objects.get(title="Bayes' theorem")
    page.click(learning_button(learning.pk, "guide-"))
    expect(page.locator(learning_button(learning.pk, "guide-"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#overall-progress")).to_contain_text("3 done · 1 learning")
    expect(page.locator(learning_button(learning.pk, "guide-"))).to_be_focused()
    # The outline behind the drawer shows the item's new state, out of band.
    outline_item = page.locator(f"#subtopic-{learning.pk}")
    expect(outline_item).to_have_class(re.compile("status-learning"))
    expect(outline_item.locator(".mark")).to_have_text("Learning")
    expect(page.locator(tick_box(learning.pk))).not_to_be_checked()

    skipped = Subtopic.objects.get(title="Random variables")
    page.click(skip_button(skipped.pk, "guide-"))
    skip = page.locator(skip_button(skipped.pk, "guide-"))
    expect(skip).to_have_attribute("aria-pressed", "true")
    expect(skip).to_have_accessible_name("Skipped: Random variables")
    expect(page.locator("#overall-progress")).to_contain_text("1 skipped")
    expect(skip).to_be_focused()
    expect(page.locator(f"#subtopic-{skipped.pk} .mark")).to_have_text("Skipped")

    # Ticked in the outline, a skipped item is done and loses its mark.
    page.keyboard.press("Escape")
    page.check(tick_box(skipped.pk))
    expect(page.locator(f"#subtopic-{skipped.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator(f"#subtopic-{skipped.pk} .mark")).to_have_count(0)
    expect(page.locator("#overall-progress")).to_contain_text("3 done · 1 learning · 0 skipped")
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []


def test_the_keyboard_alone_ticks_an_item(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    subtopic = Subtopic.objects.get(title="Gradients and Jacobians")
    page.focus(tick_box(subtopic.pk))
    page.keyboard.press("Space")
    expect(page.locator(tick_box(subtopic.pk))).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    expect(page.locator(tick_box(subtopic.pk))).to_be_focused()
    # The focused control shows a visible focus ring.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    # Tab moves on to the next item's box; Space ticks it, and Space again unticks it.
    page.keyboard.press("Tab")
    following = subtopic.topic.subtopics.filter(order__gt=subtopic.order).first()
    expect(page.locator(tick_box(following.pk))).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#overall-progress")).to_contain_text("2 done")
    expect(page.locator(tick_box(following.pk))).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator(tick_box(following.pk))).not_to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 done")
    expect(page.locator(tick_box(following.pk))).to_be_focused()
    assert csp_violations(page) == []


def first_item(page):
    """The first item of the page and its topic, whose "Mark all done" is what
    Enter would press were it to submit the outline's form with its first button."""
    return page.locator("li.subtopic").first, page.locator("article.topic").first


def test_enter_in_a_checkbox_changes_nothing(page, live_roadmap):
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    subtopic = Subtopic.objects.get(title="Gradients and Jacobians")
    first, first_topic = first_item(page)
    posts = record_posts(page)

    page.focus(tick_box(subtopic.pk))
    page.keyboard.press("Enter")
    # Space then ticks it: by the time its answer is in, anything Enter sent was sent too.
    page.keyboard.press("Space")
    expect(page.locator(f"#subtopic-{subtopic.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator("#overall-progress")).to_contain_text("1 done · 0 learning")

    expect(first).to_have_class(re.compile("status-pending"))
    expect(first_topic).not_to_have_class(re.compile("is-complete"))
    assert len(posts) == 1
    assert list(Progress.objects.values_list("subtopic__title", "status")) == [
        ("Gradients and Jacobians", "done")
    ]
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator(tick_box(subtopic.pk))).to_be_focused()


def test_enter_in_a_checkbox_changes_nothing_with_javascript_off(
    page_without_javascript, live_roadmap
):
    page = page_without_javascript
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    subtopic = Subtopic.objects.select_related("topic__section").get(
        title="Gradients and Jacobians"
    )
    first, first_topic = first_item(page)
    posts = record_posts(page)

    page.focus(tick_box(subtopic.pk))
    # Enter presses the form's hidden "stay" button: the page comes back, nothing written.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert len(posts) == 1
    assert not Progress.objects.exists()
    expect(first).to_have_class(re.compile("status-pending"))
    expect(first_topic).not_to_have_class(re.compile("is-complete"))

    page.check(tick_box(subtopic.pk))
    # Without JavaScript, each section has one "Save ticks" for all its boxes.
    page.get_by_role("button", name=f"Save ticks: {subtopic.topic.section.title}").click()
    page.wait_for_load_state()
    expect(page.locator(tick_box(subtopic.pk))).to_be_checked()
    assert list(Progress.objects.values_list("subtopic__title", "status")) == [
        ("Gradients and Jacobians", "done")
    ]


def test_ticking_works_with_javascript_off(page_without_javascript, live_roadmap):
    page = page_without_javascript
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    subtopic = Subtopic.objects.select_related("topic__section").get(title="Chain rule")
    topic, section = subtopic.topic, subtopic.topic.section
    page.check(tick_box(subtopic.pk))
    page.get_by_role("button", name=f"Save ticks: {section.title}").click()
    page.wait_for_load_state()
    # Back on the roadmap, at the section whose ticks were saved.
    assert page.url == f"{live_roadmap}/#section-{section.pk}"
    expect(page.locator(":target")).to_have_id(f"section-{section.pk}")
    expect(page.locator(tick_box(subtopic.pk))).to_be_checked()
    expect(page.locator(f"#subtopic-{subtopic.pk}")).to_have_class(re.compile("status-done"))
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("25%")
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("1 done")
    expect(page.locator("#overall-progress")).to_contain_text("1 done")

    topic = Topic.objects.get(title="Optimization")
    page.click(all_done_button(topic.pk))
    page.wait_for_load_state()
    expect(page.locator(f"#topic-{topic.pk}-progress")).to_contain_text("100%")
    expect(page.locator("#overall-progress")).to_contain_text("5 done")


def test_saving_ticks_without_javascript_undoes_a_done_item_and_keeps_learning(
    page_without_javascript, live_roadmap
):
    page = page_without_javascript
    ada = make_user("ada", password=PASSWORD)
    done = Subtopic.objects.select_related("topic__section").get(title="Chain rule")
    learning = Subtopic.objects.get(title="Derivatives and partial derivatives")
    Progress.objects.create(user=ada, subtopic=done, status=Progress.Status.DONE)
    Progress.objects.create(user=ada, subtopic=learning, status=Progress.Status.LEARNING)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")

    page.uncheck(tick_box(done.pk))
    page.get_by_role("button", name=f"Save ticks: {done.topic.section.title}").click()
    page.wait_for_load_state()

    expect(page.locator(tick_box(done.pk))).not_to_be_checked()
    expect(page.locator(f"#subtopic-{done.pk}")).to_have_class(re.compile("status-pending"))
    expect(page.locator(f"#subtopic-{learning.pk} .mark")).to_have_text("Learning")
    expect(page.locator("#overall-progress")).to_contain_text("0 done · 1 learning")


def test_the_learning_button_works_with_javascript_off(page_without_javascript, live_roadmap):
    page = page_without_javascript
    make_user("ada", password=PASSWORD)
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    subtopic = Subtopic.objects.select_related("topic").get(title="Bayes' theorem")
    # Without JavaScript the topic's title is a plain link to its guide's page.
    page.click(f"#topic-{subtopic.topic.pk}-title a")
    page.wait_for_load_state()
    topic_page = page.url
    learning = page.locator(learning_button(subtopic.pk, "guide-"))

    page.get_by_role("button", name="Learning: Bayes' theorem").click()
    page.wait_for_load_state()
    # The page comes back at the item, showing it as being learnt.
    assert page.url == f"{topic_page}#guide-subtopic-{subtopic.pk}"
    expect(page.locator(":target")).to_have_id(f"guide-subtopic-{subtopic.pk}")
    expect(learning).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#overall-progress")).to_contain_text("0 done · 1 learning")
    assert Progress.objects.get(subtopic=subtopic).status == "learning"
    page.goto(f"{live_roadmap}/")
    expect(page.locator(f"#subtopic-{subtopic.pk}")).to_have_class(re.compile("status-learning"))
    expect(page.locator(f"#subtopic-{subtopic.pk} .mark")).to_have_text("Learning")

    # Pressed again, it is undone.
    page.goto(topic_page)
    learning.click()
    page.wait_for_load_state()
    expect(learning).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#overall-progress")).to_contain_text("0 done · 0 learning")
