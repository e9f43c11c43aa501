"""The outline's one form: POST /progress/ (tracker:mark) with mark, mark_topic or save."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import (
    HTMX,
    element_by_id,
    find_all,
    first_element,
    item_control,
    item_mark,
    tick,
)
from tracker.models import Progress, Subtopic, Topic

URL = reverse("tracker:mark")


@pytest.fixture
def topic(roadmap):
    return Topic.objects.select_related("section__phase").get(title="Calculus")


@pytest.fixture
def items(topic):
    """Calculus's four items in order: derivatives, chain rule, gradients, optimisation."""
    return list(topic.subtopics.order_by("order"))


def statuses(user):
    return dict(Progress.objects.filter(user=user).values_list("subtopic_id", "status"))


def counters_of(topic):
    section, phase = topic.section, topic.section.phase
    return [
        f"topic-{topic.pk}-progress",
        f"section-{section.pk}-progress",
        f"phase-{phase.pk}-progress",
        "overall-progress",
    ]


def counts_text(html, counter_id):
    return element_by_id(html, counter_id).find_one("span", class_="counts").text


# Who may write


def test_a_visitor_is_sent_to_sign_in_and_nothing_is_written(client, items):
    response = client.post(URL, {"mark": f"{items[0].pk}:done", "next": "/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Progress.objects.exists()


def test_a_visitor_using_htmx_gets_a_client_redirect_to_sign_in(client, items):
    headers = {**HTMX, "HX-Current-URL": "http://testserver/"}
    response = client.post(URL, {"mark": f"{items[0].pk}:done"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("account_login"))
    assert not Progress.objects.exists()


def test_get_is_not_allowed(learner_client, roadmap):
    assert learner_client.get(URL).status_code == 405
    assert learner_client.get(URL, headers=HTMX).status_code == 405


def test_it_needs_a_csrf_token(learner, items):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(URL, {"mark": f"{items[0].pk}:done"}).status_code == 403
    assert client.post(URL, {"mark": f"{items[0].pk}:done"}, headers=HTMX).status_code == 403
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"mark": "999999:done"},
        {"mark_topic": "999999:done"},
        {"save": "999999", "done": "1"},
        {"save_section": "999999", "done": "1"},
    ],
    ids=["mark", "mark_topic", "save", "save_section"],
)
def test_an_unknown_subtopic_or_topic_is_404(learner_client, roadmap, data):
    assert learner_client.post(URL, data).status_code == 404
    assert learner_client.post(URL, data, headers=HTMX).status_code == 404
    assert not Progress.objects.exists()


def test_a_subtopic_number_is_not_taken_for_a_topic(learner_client, roadmap):
    # The largest subtopic pk is far beyond the largest topic pk.
    subtopic = Subtopic.objects.order_by("-pk").first()
    assert not Topic.objects.filter(pk=subtopic.pk).exists()
    assert learner_client.post(URL, {"mark_topic": f"{subtopic.pk}:done"}).status_code == 404
    assert not Progress.objects.exists()


# Bad input


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Send one of mark, mark_topic, mark_section, mark_phase, save or save_section."),
        (
            {"next": "/"},
            "Send one of mark, mark_topic, mark_section, mark_phase, save or save_section.",
        ),
        (
            {"mark": "", "mark_topic": ""},
            "Send one of mark, mark_topic, mark_section, mark_phase, save or save_section.",
        ),
        ({"mark": "{item}:done", "mark_topic": "{topic}:done"}, "Send one of mark"),
        ({"mark": "{item}:done", "save": "{topic}"}, "Send one of mark"),
        ({"mark": "abc:done"}, "'abc' is not an item number."),
        ({"mark": ":done"}, "'' is not an item number."),
        ({"mark": "{item}:mastered"}, "'mastered' is not a state that can be set here."),
        ({"mark": "{item}"}, "'' is not a state that can be set here."),
        ({"mark": "{item}:DONE"}, "'DONE' is not a state"),
        ({"mark_topic": "{topic}:learning"}, "'learning' is not a state that can be set here."),
        ({"mark_topic": "{topic}:skipped"}, "'skipped' is not a state"),
        ({"save": "x"}, "'x' is not an item number."),
        ({"save": "{topic}", "done": "x"}, "'x' is not an item number."),
        ({"save": "{topic}", "done": ["{item}", "-1"]}, "'-1' is not an item number."),
        ({"save": "١٢"}, "is not an item number."),  # digits, but not ASCII ones
        ({"save_section": "x"}, "'x' is not an item number."),
        ({"save_section": "{topic}", "done": ["{item}", "1.5"]}, "'1.5' is not an item number."),
        ({"save_section": "{topic}", "save": "{topic}"}, "Send one of mark"),
        ({"mark": "9" * 19 + ":done"}, "is not an item number."),
    ],
)
def test_bad_input_is_400_with_a_clear_message_and_writes_nothing(
    learner_client, learner, topic, items, data, message
):
    Progress.objects.create(user=learner, subtopic=items[0], status="learning")

    def fill(value):
        return value.format(item=items[0].pk, topic=topic.pk)

    data = {
        k: [fill(v) for v in vs] if isinstance(vs, list) else fill(vs) for k, vs in data.items()
    }
    for headers in ({}, HTMX):
        response = learner_client.post(URL, data, headers=headers)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert message in response.content.decode()
    assert statuses(learner) == {items[0].pk: "learning"}


# What each command writes


@pytest.mark.parametrize("status", ["done", "learning", "skipped"])
def test_mark_stores_the_state_posted(learner_client, learner, items, status):
    response = learner_client.post(URL, {"mark": f"{items[1].pk}:{status}"})
    assert response.status_code == 302
    assert statuses(learner) == {items[1].pk: status}


def test_mark_pending_removes_the_row(learner_client, learner, items):
    Progress.objects.create(user=learner, subtopic=items[1], status="skipped")
    learner_client.post(URL, {"mark": f"{items[1].pk}:pending"})
    assert statuses(learner) == {}


def test_mark_moves_between_states(learner_client, learner, items):
    for status in ("learning", "done", "skipped", "learning", "pending", "done"):
        learner_client.post(URL, {"mark": f"{items[2].pk}:{status}"})
        expected = {} if status == "pending" else {items[2].pk: status}
        assert statuses(learner) == expected, status


def test_mark_topic_done_marks_every_item_of_the_topic_and_only_those(
    learner_client, learner, topic, items
):
    Progress.objects.create(user=learner, subtopic=items[0], status="learning")
    elsewhere = Subtopic.objects.exclude(topic=topic).first()
    Progress.objects.create(user=learner, subtopic=elsewhere, status="skipped")
    response = learner_client.post(URL, {"mark_topic": f"{topic.pk}:done"})
    assert response.status_code == 302
    assert statuses(learner) == {**{item.pk: "done" for item in items}, elsewhere.pk: "skipped"}


def test_mark_topic_pending_resets_the_topic_and_nothing_else(
    learner_client, learner, topic, items
):
    for item, status in zip(items, ["done", "learning", "skipped"], strict=False):
        Progress.objects.create(user=learner, subtopic=item, status=status)
    elsewhere = Subtopic.objects.exclude(topic=topic).first()
    Progress.objects.create(user=learner, subtopic=elsewhere, status="done")
    learner_client.post(URL, {"mark_topic": f"{topic.pk}:pending"})
    assert statuses(learner) == {elsewhere.pk: "done"}


def test_save_makes_ticked_items_done(learner_client, learner, topic, items):
    response = learner_client.post(URL, {"save": topic.pk, "done": [items[0].pk, items[2].pk]})
    assert response.status_code == 302
    assert statuses(learner) == {items[0].pk: "done", items[2].pk: "done"}


def test_save_undoes_an_unticked_done_and_leaves_learning_and_skipped_alone(
    learner_client, learner, topic, items
):
    derivatives, chain_rule, gradients, optimisation = items
    Progress.objects.create(user=learner, subtopic=derivatives, status="done")
    Progress.objects.create(user=learner, subtopic=chain_rule, status="learning")
    Progress.objects.create(user=learner, subtopic=gradients, status="skipped")
    # Only the last box is ticked: the page showed the other three unticked.
    learner_client.post(URL, {"save": topic.pk, "done": [optimisation.pk]})
    assert statuses(learner) == {
        chain_rule.pk: "learning",
        gradients.pk: "skipped",
        optimisation.pk: "done",
    }


def test_save_with_a_learning_or_skipped_item_ticked_makes_it_done(
    learner_client, learner, topic, items
):
    Progress.objects.create(user=learner, subtopic=items[0], status="learning")
    Progress.objects.create(user=learner, subtopic=items[1], status="skipped")
    learner_client.post(URL, {"save": topic.pk, "done": [items[0].pk, items[1].pk]})
    assert statuses(learner) == {items[0].pk: "done", items[1].pk: "done"}


def test_save_with_nothing_ticked_undoes_every_done(learner_client, learner, topic, items):
    for item in items:
        Progress.objects.create(user=learner, subtopic=item, status="done")
    learner_client.post(URL, {"save": topic.pk})
    assert statuses(learner) == {}


def test_save_ignores_ticks_of_items_outside_the_topic(learner_client, learner, topic, items):
    elsewhere = Subtopic.objects.exclude(topic=topic).first()
    learner_client.post(URL, {"save": topic.pk, "done": [items[3].pk, elsewhere.pk, 999_999]})
    assert statuses(learner) == {items[3].pk: "done"}


def test_save_leaves_other_topics_alone(learner_client, learner, topic, items):
    elsewhere = Subtopic.objects.exclude(topic=topic).first()
    Progress.objects.create(user=learner, subtopic=elsewhere, status="done")
    learner_client.post(URL, {"save": topic.pk})
    assert statuses(learner) == {elsewhere.pk: "done"}


def test_a_sections_save_sets_its_boxes_as_ticked_and_nothing_outside_it(
    learner_client, learner, topic, items
):
    """Without JavaScript the outline has one "Save ticks" per section (outline.html#phase)."""
    section = topic.section
    in_section = list(Subtopic.objects.filter(topic__section=section).order_by("pk"))
    other_topic_item = next(item for item in in_section if item.topic_id != topic.pk)
    elsewhere = Subtopic.objects.exclude(topic__section=section).first()
    derivatives, chain_rule, gradients, optimisation = items
    Progress.objects.create(user=learner, subtopic=derivatives, status="done")
    Progress.objects.create(user=learner, subtopic=chain_rule, status="learning")
    Progress.objects.create(user=learner, subtopic=elsewhere, status="done")

    ticked = [
        optimisation.pk,
        other_topic_item.pk,
        Subtopic.objects.exclude(topic__section=section).last().pk,
    ]
    response = learner_client.post(URL, {"save_section": section.pk, "done": ticked, "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == f"/#section-{section.pk}"
    assert statuses(learner) == {
        chain_rule.pk: "learning",
        optimisation.pk: "done",
        other_topic_item.pk: "done",
        elsewhere.pk: "done",
    }


def test_it_changes_only_the_signed_in_learners_rows(
    learner_client, learner, other_learner, topic, items
):
    theirs = {items[0]: "learning", items[1]: "done", items[2]: "skipped"}
    for item, status in theirs.items():
        Progress.objects.create(user=other_learner, subtopic=item, status=status)
    before = list(Progress.objects.filter(user=other_learner).order_by("pk").values_list())
    posts = [
        {"mark": f"{items[0].pk}:done", "user": other_learner.pk},
        {"mark": f"{items[1].pk}:pending"},
        {"mark_topic": f"{topic.pk}:done"},
        {"mark_topic": f"{topic.pk}:pending"},
        {"save": topic.pk, "done": [items[2].pk]},
        {"save": topic.pk},
        {"save_section": topic.section_id, "done": [items[2].pk]},
    ]
    for data in posts:
        assert learner_client.post(URL, data).status_code == 302
        assert learner_client.post(URL, data, headers=HTMX).status_code == 200
    assert list(Progress.objects.filter(user=other_learner).order_by("pk").values_list()) == before


# Back to the page without JavaScript


def test_mark_redirects_to_the_posted_page_at_the_item(learner_client, items, topic):
    page = reverse("tracker:phase", args=[topic.section.phase.slug])
    response = learner_client.post(URL, {"mark": f"{items[1].pk}:done", "next": page})
    assert response.status_code == 302
    assert response.url == f"{page}#subtopic-{items[1].pk}"


@pytest.mark.parametrize("command", ["mark_topic", "save"])
def test_topic_commands_redirect_to_the_topic(learner_client, topic, command):
    value = f"{topic.pk}:done" if command == "mark_topic" else topic.pk
    response = learner_client.post(URL, {command: value, "next": "/"})
    assert response.url == f"/#topic-{topic.pk}"


def test_a_guides_item_redirects_to_the_guides_anchor(learner_client, items, topic):
    page = reverse("tracker:topic", args=[topic.section.phase.slug, topic.section.slug, topic.slug])
    data = {"mark": f"{items[0].pk}:learning", "next": page, "prefix": "guide-"}
    response = learner_client.post(URL, data)
    assert response.url == f"{page}#guide-subtopic-{items[0].pk}"


def test_an_unknown_prefix_is_not_put_in_the_anchor(learner_client, items):
    data = {"mark": f"{items[0].pk}:done", "next": "/", "prefix": "x-"}
    response = learner_client.post(URL, data)
    assert response.url == f"/#subtopic-{items[0].pk}"


def test_without_next_it_returns_to_the_roadmap(learner_client, items):
    response = learner_client.post(URL, {"mark": f"{items[0].pk}:done"})
    assert response.url == f"{reverse('tracker:roadmap')}#subtopic-{items[0].pk}"


def test_a_foreign_next_url_is_ignored(learner_client, items):
    data = {"mark": f"{items[0].pk}:done", "next": "https://evil.example/"}
    response = learner_client.post(URL, data)
    assert response.url == f"{reverse('tracker:roadmap')}#subtopic-{items[0].pk}"


# The htmx answer


@pytest.mark.parametrize(
    ("status", "checked", "mark"),
    [
        ("done", True, ""),
        ("learning", False, "Learning"),
        ("skipped", False, "Skipped"),
        ("pending", False, ""),
    ],
)
def test_htmx_mark_answers_the_item_in_its_new_state_and_the_counters_out_of_band(
    learner_client, learner, topic, items, status, checked, mark
):
    Progress.objects.create(user=learner, subtopic=items[0], status="done")
    item = items[1]
    response = learner_client.post(URL, {"mark": f"{item.pk}:{status}"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    root = first_element(html)
    assert (root.tag, root.attrs["id"]) == ("li", f"subtopic-{item.pk}")
    assert root.classes == {"subtopic", f"status-{status}"}
    assert "hx-swap-oob" not in root.attrs
    assert ("checked" in item_control(html, item.pk, "tick").attrs) is checked
    # The outline's item is its checkbox and, for learning or skipped, that word.
    assert item_mark(html, item.pk) == mark
    assert find_all(html, "button") == []
    for counter_id in counters_of(topic):
        assert element_by_id(html, counter_id).attrs.get("hx-swap-oob") == "true", counter_id
    done = 1 + (status == "done")
    learning = int(status == "learning")
    skipped = int(status == "skipped")
    expected = f"{done} done · {learning} learning · {skipped} skipped · 4 total"
    assert counts_text(html, f"topic-{topic.pk}-progress") == expected
    overall = f"{done} done · {learning} learning · {skipped} skipped · 210 total"
    assert counts_text(html, "overall-progress") == overall
    # Only the one item travels: no other item of the topic is in the answer.
    assert [li.attrs["id"] for li in find_all(html, "li")] == [f"subtopic-{item.pk}"]


def test_htmx_mark_topic_answers_the_whole_topic_and_the_counters_above_it(
    learner_client, topic, items
):
    response = learner_client.post(URL, {"mark_topic": f"{topic.pk}:done"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    root = first_element(html)
    assert (root.tag, root.attrs["id"]) == ("article", f"topic-{topic.pk}")
    assert "is-complete" in root.classes
    for item in items:
        assert "status-done" in element_by_id(html, f"subtopic-{item.pk}").classes
        assert "checked" in item_control(html, item.pk, "tick").attrs
    # The topic's own counter is inside the topic; the levels above travel out of band.
    assert (
        counts_text(html, f"topic-{topic.pk}-progress")
        == "4 done · 0 learning · 0 skipped · 4 total"
    )
    for counter_id in counters_of(topic)[1:]:
        assert element_by_id(html, counter_id).attrs.get("hx-swap-oob") == "true", counter_id
    assert "4 done" in counts_text(html, "overall-progress")


def test_htmx_save_answers_the_topic_as_saved(learner_client, learner, topic, items):
    Progress.objects.create(user=learner, subtopic=items[0], status="done")
    Progress.objects.create(user=learner, subtopic=items[1], status="learning")
    data = {"save": topic.pk, "done": [items[3].pk]}
    response = learner_client.post(URL, data, headers=HTMX)
    html = response.content.decode()
    assert first_element(html).attrs["id"] == f"topic-{topic.pk}"
    states = [element_by_id(html, f"subtopic-{item.pk}").classes for item in items]
    assert states == [
        {"subtopic", "status-pending"},
        {"subtopic", "status-learning"},
        {"subtopic", "status-pending"},
        {"subtopic", "status-done"},
    ]
    assert (
        counts_text(html, f"topic-{topic.pk}-progress")
        == "1 done · 1 learning · 0 skipped · 4 total"
    )


def test_htmx_from_a_guide_answers_the_guide_item_and_the_outline_item_out_of_band(
    learner_client, topic, items
):
    item = items[2]
    headers = {**HTMX, "HX-Target": f"guide-subtopic-{item.pk}"}
    data = {"mark": f"{item.pk}:skipped", "prefix": "guide-"}
    response = learner_client.post(URL, data, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    guide = first_element(html)
    assert (guide.attrs["id"], guide.classes) == (
        f"guide-subtopic-{item.pk}",
        {"subtopic", "status-skipped"},
    )
    assert "hx-swap-oob" not in guide.attrs
    assert item_control(html, item.pk, "skip", "guide-").attrs["aria-pressed"] == "true"
    outline = element_by_id(html, f"subtopic-{item.pk}")
    assert outline.attrs.get("hx-swap-oob") == "true"
    assert "status-skipped" in outline.classes
    assert item_mark(html, item.pk) == "Skipped"
    for counter_id in counters_of(topic):
        assert element_by_id(html, counter_id).attrs.get("hx-swap-oob") == "true", counter_id


def test_the_htmx_answer_reads_what_the_database_holds_after_the_write(
    learner_client, learner, topic, items
):
    # Rows written elsewhere (another tab) since the page loaded show in the counters.
    tick(learner, 10)
    response = learner_client.post(URL, {"mark": f"{items[3].pk}:done"}, headers=HTMX)
    expected = Progress.objects.filter(user=learner, status="done").count()
    assert counts_text(response.content.decode(), "overall-progress").startswith(f"{expected} done")


# Cost

# Measured on SQLite: the session and the user (2, the session through the
# database cache), the content version (1), the write, and the learner's rows
# read back (1). The costliest write is a topic's "Save ticks" that both
# undoes a done and ticks new items: the rows before (1), then in one
# transaction a delete, an update and an insert (5 with the savepoint and
# its release). One item costs 5 or 6.
WRITE_BUDGET = 10


@pytest.mark.parametrize("existing", [0, 200])
@pytest.mark.parametrize(
    "command",
    ["mark:done", "mark:learning", "mark:pending", "mark_topic:done", "mark_topic:pending", "save"],
)
def test_one_htmx_write_runs_a_fixed_number_of_queries(
    learner_client, learner, topic, items, django_assert_max_num_queries, existing, command
):
    tick(learner, existing, status=Progress.Status.SKIPPED)
    # A done item that the save below leaves unticked, so it is undone.
    Progress.objects.update_or_create(user=learner, subtopic=items[2], defaults={"status": "done"})
    name, _, status = command.partition(":")
    if name == "mark":
        data = {"mark": f"{items[0].pk}:{status}"}
    elif name == "mark_topic":
        data = {"mark_topic": f"{topic.pk}:{status}"}
    else:
        data = {"save": topic.pk, "done": [items[0].pk, items[1].pk]}
    with django_assert_max_num_queries(WRITE_BUDGET):
        response = learner_client.post(URL, data, headers=HTMX)
    assert response.status_code == 200
