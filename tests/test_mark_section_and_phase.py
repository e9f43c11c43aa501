"""Marking a whole section or phase at once: POST /progress/ with mark_section or mark_phase."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import HTMX, accessible_name, document, element_by_id, find_all, first_element
from tracker.models import Phase, Progress, Section, Subtopic
from tracker.progress import marking
from tracker.views.marks import MAX_UNCONFIRMED

URL = reverse("tracker:mark")


@pytest.fixture
def section(roadmap):
    """Mathematical Foundations: 16 items in four topics."""
    return Section.objects.select_related("phase").get(title="Mathematical Foundations")


def items_of(section):
    return list(Subtopic.objects.filter(topic__section=section).order_by("pk"))


def statuses(user):
    return dict(Progress.objects.filter(user=user).values_list("subtopic_id", "status"))


def give(user, subtopics, status):
    Progress.objects.bulk_create(Progress(user=user, subtopic=s, status=status) for s in subtopics)


def counts_text(html, counter_id):
    return element_by_id(html, counter_id).find_one("span", class_="counts").text


# Who may write, and what is refused


def test_a_visitor_is_sent_to_sign_in_and_nothing_is_written(client, section):
    response = client.post(URL, {"mark_section": f"{section.pk}:done", "next": "/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Progress.objects.exists()


def test_it_needs_a_csrf_token(learner, section):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for headers in ({}, HTMX):
        response = client.post(URL, {"mark_phase": f"{section.phase_id}:done"}, headers=headers)
        assert response.status_code == 403
    assert not Progress.objects.exists()


@pytest.mark.parametrize("command", ["mark_section", "mark_phase"])
def test_an_unknown_section_or_phase_is_404(learner_client, roadmap, command):
    for headers in ({}, HTMX):
        assert (
            learner_client.post(URL, {command: "999999:done"}, headers=headers).status_code == 404
        )
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mark_section": "x:done"}, "'x' is not an item number."),
        ({"mark_section": ":done"}, "'' is not an item number."),
        ({"mark_section": "{section}"}, "'' is not a state that can be set here."),
        ({"mark_section": "{section}:skipped"}, "'skipped' is not a state that can be set here."),
        ({"mark_phase": "{phase}:mastered"}, "'mastered' is not a state that can be set here."),
        ({"mark_phase": "{phase}:Done"}, "'Done' is not a state"),
        ({"mark_phase": "9" * 19 + ":done"}, "is not an item number."),
        ({"mark_phase": "{phase}:done", "mark_section": "{section}:done"}, "Send one of mark"),
        ({"mark_section": "{section}:done", "mark": "1:done"}, "Send one of mark"),
    ],
)
def test_bad_input_is_400_with_a_clear_message_and_writes_nothing(
    learner_client, learner, section, data, message
):
    give(learner, items_of(section)[:1], "learning")
    data = {
        name: value.format(section=section.pk, phase=section.phase_id)
        for name, value in data.items()
    }
    for headers in ({}, HTMX):
        response = learner_client.post(URL, {**data, "confirm": "1"}, headers=headers)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert message in response.content.decode()
    assert statuses(learner) == {items_of(section)[0].pk: "learning"}


# What it writes


@pytest.mark.parametrize("status", ["done", "learning"])
def test_a_section_is_marked_whole_and_nothing_outside_it(learner_client, learner, section, status):
    inside = items_of(section)
    elsewhere = Subtopic.objects.exclude(topic__section=section).first()
    give(learner, [elsewhere], "skipped")
    give(learner, inside[:2], "done")
    response = learner_client.post(URL, {"mark_section": f"{section.pk}:{status}", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == f"/#section-{section.pk}"
    assert statuses(learner) == {**{s.pk: status for s in inside}, elsewhere.pk: "skipped"}


def test_a_phase_reset_removes_its_rows_and_only_those(learner_client, learner, section):
    phase = section.phase
    inside = list(Subtopic.objects.filter(topic__section__phase=phase))
    elsewhere = Subtopic.objects.exclude(topic__section__phase=phase)[:3]
    give(learner, inside[:5], "done")
    give(learner, elsewhere, "learning")
    page = reverse("tracker:phase", args=[phase.slug])
    response = learner_client.post(URL, {"mark_phase": f"{phase.pk}:pending", "next": page})
    assert response["Location"] == f"{page}#{phase.slug}"
    assert statuses(learner) == {s.pk: "learning" for s in elsewhere}


def test_a_phase_marked_done_is_complete_with_every_item_done(learner_client, learner, section):
    phase = section.phase
    learner_client.post(URL, {"mark_phase": f"{phase.pk}:done"})
    inside = Subtopic.objects.filter(topic__section__phase=phase)
    assert statuses(learner) == {s.pk: "done" for s in inside}


def test_another_learners_rows_are_untouched(learner_client, other_learner, section):
    give(other_learner, items_of(section)[:12], "learning")
    before = list(Progress.objects.filter(user=other_learner).order_by("pk").values_list())
    posts = [
        {"mark_section": f"{section.pk}:done", "user": other_learner.pk},
        {"mark_section": f"{section.pk}:pending", "confirm": "1"},
        {"mark_phase": f"{section.phase_id}:learning", "confirm": "1"},
        {"mark_phase": f"{section.phase_id}:pending", "confirm": "1"},
    ]
    for data in posts:
        assert learner_client.post(URL, data).status_code == 302
        assert learner_client.post(URL, data, headers=HTMX).status_code == 200
    assert list(Progress.objects.filter(user=other_learner).order_by("pk").values_list()) == before


def test_a_failure_midway_leaves_every_row_as_it_was(learner_client, learner, section, monkeypatch):
    """One transaction: the rows already updated are rolled back with the insert that failed."""
    inside = items_of(section)
    give(learner, inside[:3], "learning")
    before = statuses(learner)

    def fail(*args):
        # The update of the existing rows has run by now (marking._apply).
        assert Progress.objects.filter(user=learner, status="done").count() == 3
        raise RuntimeError("the database went away")

    monkeypatch.setattr(marking, "_insert", fail)
    with pytest.raises(RuntimeError):
        learner_client.post(URL, {"mark_section": f"{section.pk}:done"})
    assert statuses(learner) == before


# The confirmation


def test_overwriting_eleven_states_asks_first_and_writes_nothing(learner_client, learner, section):
    inside = items_of(section)
    give(learner, inside[:7], "learning")
    give(learner, inside[7:11], "skipped")
    give(learner, inside[11:14], "done")  # already done: marking done changes nothing there
    before = statuses(learner)
    response = learner_client.post(URL, {"mark_section": f"{section.pk}:done", "next": "/"})
    assert response.status_code == 200
    assert statuses(learner) == before
    html = response.content.decode()
    text = element_by_id(html, "confirm-text").text
    assert text.startswith(
        "This will change 11 items you already marked in Mathematical Foundations: "
        "7 learning, 4 skipped."
    )
    form = find_all(html, "form", class_="confirm-form")[0]
    assert form.attrs["action"] == URL
    assert form.find_one("input", name="confirm").attrs["value"] == "1"
    assert form.find_one("input", name="next").attrs["value"] == "/"
    confirm = form.find_one("button", name="mark_section")
    assert (confirm.text, confirm.attrs["value"]) == ("Confirm", f"{section.pk}:done")
    assert find_all(html, "a", href=f"/#section-{section.pk}")[0].text == "Cancel"

    response = learner_client.post(
        URL, {"mark_section": f"{section.pk}:done", "confirm": "1", "next": "/"}
    )
    assert response["Location"] == f"/#section-{section.pk}"
    assert statuses(learner) == {s.pk: "done" for s in inside}


def test_overwriting_ten_states_goes_straight_through(learner_client, learner, section):
    assert MAX_UNCONFIRMED == 10
    inside = items_of(section)
    give(learner, inside[:10], "learning")
    give(learner, inside[10:], "done")
    # Marking done changes the ten learning; the six done stay as they are.
    response = learner_client.post(URL, {"mark_section": f"{section.pk}:done"}, headers=HTMX)
    assert "HX-Retarget" not in response.headers
    assert statuses(learner) == {s.pk: "done" for s in inside}


def test_resetting_counts_every_state_set(learner_client, learner, section):
    inside = items_of(section)
    give(learner, inside[:6], "learning")
    give(learner, inside[6:11], "done")
    response = learner_client.post(URL, {"mark_section": f"{section.pk}:pending"}, headers=HTMX)
    assert response.headers["HX-Retarget"] == "#bulk-confirm"
    assert "This will change 11 items" in response.content.decode()
    assert len(statuses(learner)) == 11


def test_with_htmx_the_question_comes_as_a_fragment_for_the_pages_dialog(
    learner_client, learner, section
):
    phase = section.phase
    give(learner, Subtopic.objects.filter(topic__section__phase=phase)[:11], "skipped")
    headers = {**HTMX, "HX-Current-URL": "http://testserver/?closed=section-2"}
    response = learner_client.post(URL, {"mark_phase": f"{phase.pk}:learning"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#bulk-confirm"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert first_element(html).tag == "h2"
    assert element_by_id(html, "confirm-title").text == f"Mark all of {phase.title} learning?"
    form = find_all(html, "form", class_="confirm-form")[0]
    assert form.find_one("input", name="next").attrs["value"] == "/?closed=section-2"
    assert form.find_one("button", name="mark_phase").attrs["value"] == f"{phase.pk}:learning"
    # Cancel only closes the dialog.
    assert form.find_one("button", formmethod="dialog").text == "Cancel"
    assert Progress.objects.filter(status="learning").count() == 0


# The htmx answer


def test_htmx_answers_the_phase_with_counters_that_equal_a_full_recount(
    learner_client, learner, section
):
    phase = section.phase
    give(learner, items_of(section)[:3], "learning")
    give(learner, Subtopic.objects.exclude(topic__section__phase=phase)[:4], "skipped")
    response = learner_client.post(URL, {"mark_section": f"{section.pk}:done"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    root = first_element(html)
    assert (root.tag, root.attrs["id"], root.classes) == ("section", phase.slug, {"phase"})
    for item in items_of(section):
        assert "status-done" in element_by_id(html, f"subtopic-{item.pk}").classes
    assert element_by_id(html, "overall-progress").attrs["hx-swap-oob"] == "true"
    # Every counter in the answer says what the whole page, counted afresh, says.
    page = learner_client.get("/").content.decode()
    counters = [f"section-{s.pk}-progress" for s in phase.sections.all()]
    counters += [f"phase-{phase.pk}-progress", "overall-progress"]
    counters += [f"topic-{t.pk}-progress" for t in section.topics.all()]
    for counter in counters:
        assert counts_text(html, counter) == counts_text(page, counter), counter
    assert counts_text(html, f"section-{section.pk}-progress") == (
        "16 done · 0 learning · 0 skipped · 16 total"
    )
    assert counts_text(html, "overall-progress").startswith("16 done · 0 learning · 4 skipped")
    announcer = element_by_id(html, "progress-announcer")
    assert announcer.attrs["hx-swap-oob"] == "innerHTML"
    assert announcer.text.startswith(
        "All of Mathematical Foundations: done. Mathematical Foundations: 16 of 16 complete."
    )


def test_on_a_phases_own_page_the_answer_is_that_pages_phase(learner_client, section):
    phase = section.phase
    own_page = f"http://testserver{reverse('tracker:phase', args=[phase.slug])}?closed=x"
    on_roadmap = learner_client.post(
        URL,
        {"mark_phase": f"{phase.pk}:done"},
        headers={**HTMX, "HX-Current-URL": "http://testserver/"},
    ).content.decode()
    alone = learner_client.post(
        URL, {"mark_phase": f"{phase.pk}:done"}, headers={**HTMX, "HX-Current-URL": own_page}
    ).content.decode()
    # The roadmap's phase links to its own page; the phase's page does not.
    assert find_all(on_roadmap, "p", class_="phase-link")
    assert not find_all(alone, "p", class_="phase-link")


def groups_by_size(model):
    """The smallest and the largest section or phase, by items."""
    field = "topic__section" if model is Section else "topic__section__phase"
    by_size = sorted(model.objects.all(), key=lambda g: items_in(field, g).count())
    return [(items_in(field, by_size[0]), by_size[0]), (items_in(field, by_size[-1]), by_size[-1])]


def items_in(field, group):
    return Subtopic.objects.filter(**{field: group}).order_by("pk")


# Measured on SQLite: the session with its user (1), the content version (1),
# the learner's rows before (1), the write in a transaction (a savepoint, an
# update and an insert, or one delete, and its release), the rows after (1).
QUERIES = {"done": 8, "learning": 8, "pending": 7}


@pytest.mark.parametrize("status", ["done", "learning", "pending"])
@pytest.mark.parametrize(("command", "model"), [("mark_section", Section), ("mark_phase", Phase)])
def test_the_write_runs_the_same_queries_whatever_the_size(
    learner_client, learner, roadmap, django_assert_num_queries, command, model, status
):
    (small, smallest), (large, largest) = groups_by_size(model)
    assert large.count() > 2 * small.count()
    for items, group in ((small, smallest), (large, largest)):
        Progress.objects.filter(user=learner).delete()
        # A row in another state, so the write both changes and inserts.
        give(learner, items[:1], "skipped")
        with django_assert_num_queries(QUERIES[status]):
            response = learner_client.post(
                URL, {command: f"{group.pk}:{status}", "confirm": "1"}, headers=HTMX
            )
        assert response.status_code == 200
        expected = {} if status == "pending" else {item.pk: status for item in items}
        assert statuses(learner) == expected


# The controls


def test_each_section_and_phase_has_its_three_named_buttons(learner_client, section):
    page = document(learner_client.get("/"))
    for command, count in (("mark_section", 20), ("mark_phase", 6)):
        buttons = page.find_all("button", name=command)
        assert len(buttons) == count * 3
        assert [b.text for b in buttons[:3]] == ["Done", "Learning", "Not started"]
    names = [
        accessible_name(
            page, page.find_one("button", name="mark_section", value=f"{section.pk}:{s}")
        )
        for s in ("done", "learning", "pending")
    ]
    assert names == [
        "Mark section done: Mathematical Foundations",
        "Mark section learning: Mathematical Foundations",
        "Mark section not started: Mathematical Foundations",
    ]
    phase = page.find_one("button", name="mark_phase", value=f"{section.phase_id}:done")
    assert accessible_name(page, phase) == f"Mark phase done: {section.phase.title}"
    # They travel with htmx: the form lets them (and the confirmation) through.
    sent = page.find_one("form", class_="marks").attrs["hx-params"].split(",")
    assert {"mark_section", "mark_phase", "confirm"} <= set(sent)


def test_visitors_and_public_pages_have_no_such_buttons(client, learner, section):
    from tests.helpers import publish

    publish(learner)
    for path in ("/", reverse("accounts:public", args=[learner.username])):
        page = document(client.get(path))
        assert page.find_all("button", name="mark_section") == [], path
        assert page.find_all("button", name="mark_phase") == [], path
