"""Issue 11's "done when", as a new learner would try it, in real Chromium, start to end:
a note on Transformer Architecture, found by search through its title's topic and through
the note; hide completed; three items ticked from the keyboard alone; a whole section marked;
an export imported into a fresh account, which finds the note there."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import csp_violations, sign_in
from tests.helpers import make_user
from tracker.models import Note, Progress, Section, Subtopic, Topic

NOTE = "Queries, keys and values: like asking a librarian who then reads the matching shelves."


def statuses(username):
    return dict(
        Progress.objects.filter(user__username=username).values_list("subtopic_id", "status")
    )


def test_a_learner_works_through_the_roadmap_and_takes_their_notes_along(
    page, browser, live_roadmap, tmp_path
):
    transformer = Topic.objects.get(title="Transformer Architecture")
    section = Section.objects.get(title="Mathematical Foundations")
    make_user("ada")
    sign_in(page, live_roadmap, "ada")
    page.goto(f"{live_roadmap}/")
    page.evaluate("window.__sameDocument = true")
    search = page.locator("#search-q")
    count = page.locator("#search-count")
    results = page.locator("#search-results")

    # Before there is a note, its words find nothing.
    search.fill("librarian")
    expect(count).to_have_text(re.compile("^No items match “librarian”"))

    # A note on Transformer Architecture, written in its drawer.
    search.fill("")
    expect(count).to_have_text("")
    page.locator(f"#topic-{transformer.pk}-title a").click()
    page.get_by_label("Your notes on Transformer Architecture").fill(NOTE)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#topic-drawer .note-status")).to_contain_text("Saved at")
    page.keyboard.press("Escape")
    expect(page.locator("#topic-drawer")).not_to_have_attribute("open", "")

    # "attention" finds the topic by its own words, "librarian" by the note.
    search.fill("attention")
    expect(count).to_contain_text("match “attention”")
    expect(results.locator("h4", has_text="Transformer Architecture")).to_have_count(1)
    search.fill("librarian")
    expect(count).to_have_text(re.compile("^\\d+ items? in 1 topic match(es)? “librarian”"))
    expect(results.locator("h4")).to_have_text(["Transformer Architecture"])
    expect(results.locator(f"#topic-{transformer.pk} .note-mark")).to_have_count(1)

    # Three items ticked without the mouse: j to the first not started, d, the arrow, d...
    search.fill("")
    expect(count).to_have_text("")
    page.evaluate("document.activeElement.blur()")  # nothing focused: j starts at the top
    page.keyboard.press("j")
    first_three = list(
        Subtopic.objects.order_by(
            "topic__section__phase__order", "topic__section__order", "topic__order", "order"
        )[:3]
    )
    for number, item in enumerate(first_three):
        expect(page.locator(f"#subtopic-{item.pk} input[type=checkbox]")).to_be_focused()
        page.keyboard.press("d")
        expect(page.locator(f"#subtopic-{item.pk}")).to_have_class(re.compile("status-done"))
        if number < 2:
            page.keyboard.press("ArrowDown")
    assert statuses("ada") == {item.pk: "done" for item in first_three}

    # Hide completed: those three are gone from what is shown.
    page.get_by_label("Hide completed").check()
    expect(count).to_contain_text("(hide completed)")
    expect(page).to_have_url(re.compile("show=hide-completed"))
    for item in first_three:
        expect(page.locator(f"#subtopic-{item.pk}")).to_have_count(0)
    page.get_by_label("Everything").check()
    expect(count).to_have_text("")

    # A whole section done at once (only 3 of its items were marked: no question asked).
    page.locator(f"#section-{section.pk} .section-header .bulk > summary").click()
    page.get_by_role("button", name=f"Mark section done: {section.title}").click()
    expect(page.locator("#progress-announcer")).to_contain_text(f"All of {section.title}: done.")
    in_section = Subtopic.objects.filter(topic__section=section)
    assert {pk for pk, status in statuses("ada").items() if status == "done"} >= set(
        in_section.values_list("pk", flat=True)
    )
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(page) == []

    # Export, then import into a fresh account.
    page.goto(f"{live_roadmap}/home/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my progress as Markdown").click()
    exported = tmp_path / "progress.md"
    download.value.save_as(exported)

    make_user("linus")
    fresh_context = browser.new_context()
    fresh = fresh_context.new_page()
    sign_in(fresh, live_roadmap, "linus")
    fresh.goto(f"{live_roadmap}/progress/import/")
    fresh.get_by_label("Progress file (Markdown)").set_input_files(exported)
    fresh.get_by_role("button", name=re.compile("Preview|Upload|Read")).click()
    expect(fresh.locator("#changes-notes")).to_have_text("Notes (1)")
    fresh.get_by_role("button", name=re.compile("^Apply ")).click()
    expect(fresh.locator("main")).to_contain_text("Progress imported")

    assert statuses("linus") == statuses("ada")
    assert Note.objects.get(user__username="linus", topic=transformer).body == NOTE
    section_of = transformer.section
    fresh.goto(
        f"{live_roadmap}/topics/{section_of.phase.slug}/{section_of.slug}/{transformer.slug}/"
    )
    expect(fresh.locator(".note-text")).to_contain_text("like asking a librarian")
    fresh_context.close()
