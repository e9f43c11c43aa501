"""Property: whatever a learner writes, in any order, the counters agree with the database.

Every htmx answer carries the counters of the topic, section, phase and
roadmap that changed, built from kept pieces (tracker.progress.stamping) and
counts tallied from the learner's rows (tracker.progress.loader._tally).
After each write they must say exactly what a plain recount of the
learner's Progress rows says.
"""

import re
from types import SimpleNamespace

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import HTMX, element_by_id, find_one
from tracker.content.tree import default_tree, levels_of
from tracker.models import Progress, Subtopic
from tracker.progress.counting import Counts
from tracker.progress.loader import _tally
from tracker.progress.status import Status

URL = reverse("tracker:mark")
COUNTS = re.compile(r"(\d+) done · (\d+) learning · (\d+) skipped · (\d+) total")
SUBTOPIC_STATES = ["done", "learning", "skipped", "pending"]

# Each example runs in the test's one transaction: no database of examples on
# disk, no deadline (the first write of an example renders pieces the next reuse).
FEW_EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def topics(roadmap):
    """A few topics that share a section, a phase, or nothing but the roadmap."""
    tree = default_tree()
    first_section = tree.sections_of[tree.phases[0].pk]
    chosen = [
        *tree.topics_of[first_section[0].pk][:2],  # two topics in one section
        tree.topics_of[first_section[1].pk][0],  # another section of the same phase
        tree.topics[-1],  # the last phase
    ]
    return [(topic, [s.pk for s in tree.subtopics_of[topic.pk]]) for topic in chosen]


def commands(topic_count):
    """A write as (kind, topic index, item index or ticks, state)."""
    mark = st.tuples(
        st.just("mark"),
        st.integers(0, topic_count - 1),
        st.integers(0, 20),  # taken modulo the topic's items
        st.sampled_from(SUBTOPIC_STATES),
    )
    mark_topic = st.tuples(
        st.just("mark_topic"),
        st.integers(0, topic_count - 1),
        st.none(),
        st.sampled_from(["done", "pending"]),
    )
    save = st.tuples(
        st.just("save"),
        st.integers(0, topic_count - 1),
        st.lists(st.booleans(), min_size=20, max_size=20),
        st.none(),
    )
    return st.one_of(mark, mark_topic, save)


def post_of(command, topics):
    """The form data of a command, and how it changes {pk: status} (the model)."""
    kind, index, detail, state = command
    topic, items = topics[index]
    if kind == "mark":
        pk = items[detail % len(items)]
        return {"mark": f"{pk}:{state}"}, lambda model: model.__setitem__(pk, state)
    if kind == "mark_topic":
        return {"mark_topic": f"{topic.pk}:{state}"}, lambda model: model.update(
            dict.fromkeys(items, state)
        )
    ticks = [pk for pk, ticked in zip(items, detail, strict=False) if ticked]

    def save(model):
        for pk in items:
            if pk in ticks:
                model[pk] = "done"
            elif model.get(pk) == "done":
                model[pk] = "pending"
        # learning and skipped items that were not ticked stay as they are

    return {"save": topic.pk, "done": ticks}, save


def recount(learner, **scope):
    """Counts of the learner's rows among the subtopics in `scope`, from the database."""
    subtopics = Subtopic.objects.filter(**scope)
    mine = Progress.objects.filter(user=learner, subtopic__in=subtopics)
    by_status = mine.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in ("done", "learning", "skipped")}
    )
    total = subtopics.count()
    completed = by_status["done"] + by_status["skipped"]
    percent = completed * 100 // total if total else 0
    return (by_status["done"], by_status["learning"], by_status["skipped"], total, percent)


def shown(html, counter_id):
    """(done, learning, skipped, total, percent) as a counter in the answer shows them."""
    counter = element_by_id(html, counter_id)
    numbers = COUNTS.fullmatch(counter.find_one("span", class_="counts").text)
    assert numbers, counter.text
    percent = counter.find_one("strong", class_="percent").text
    bar = find_one(counter, "progress").attrs["value"]
    assert percent == f"{bar}%", counter_id
    return (*map(int, numbers.groups()), int(bar))


@FEW_EXAMPLES
@given(data=st.data())
def test_every_answers_counters_equal_a_recount_from_the_database(
    learner_client, learner, topics, data
):
    Progress.objects.filter(user=learner).delete()
    model = {}
    writes = data.draw(st.lists(commands(len(topics)), min_size=1, max_size=8), label="writes")
    for command in writes:
        form, apply = post_of(command, topics)
        response = learner_client.post(URL, form, headers=HTMX)
        assert response.status_code == 200, command
        apply(model)
        html = response.content.decode()

        stored = dict(Progress.objects.filter(user=learner).values_list("subtopic", "status"))
        assert stored == {pk: s for pk, s in model.items() if s != "pending"}, command

        topic = topics[command[1]][0]
        section, phase = topic.section, topic.section.phase
        expected = {
            f"topic-{topic.pk}-progress": recount(learner, topic=topic),
            f"section-{section.pk}-progress": recount(learner, topic__section=section),
            f"phase-{phase.pk}-progress": recount(learner, topic__section__phase=phase),
            "overall-progress": recount(learner, topic__section__phase__roadmap=phase.roadmap),
        }
        assert {counter: shown(html, counter) for counter in expected} == expected, command

        # The items in the answer show the states the database holds.
        topic_items = topics[command[1]][1]
        answered = (
            topic_items if command[0] != "mark" else [topic_items[command[2] % len(topic_items)]]
        )
        for pk in answered:
            classes = element_by_id(html, f"subtopic-{pk}").classes
            assert classes == {"subtopic", f"status-{stored.get(pk, 'pending')}"}, command


# _tally against a naive count


def shapes():
    """A roadmap's shape as ContentTree.shape has it, with unique item pks and
    empty phases, sections and topics allowed."""
    hours = st.integers(0, 9)
    topic = st.lists(hours, max_size=5)
    section = st.lists(topic, max_size=3)
    phase = st.lists(section, max_size=3)
    return st.lists(phase, min_size=0, max_size=3)


def numbered(raw):
    """Give every phase, section, topic and item its own pk, as the database would."""
    pks = iter(range(1, 10_000))
    return tuple(
        (
            next(pks),
            tuple(
                (
                    next(pks),
                    tuple((next(pks), tuple((next(pks), h) for h in topic)) for topic in section),
                )
                for section in phase
            ),
        )
        for phase in raw
    )


def every_level(counts, shape, roadmap_pk):
    """{key: Counts} of every level of `shape`, read from the lazy `counts` one by one."""
    keys = [("roadmap", roadmap_pk)]
    for phase_pk, sections in shape:
        keys.append(("phase", phase_pk))
        for section_pk, topics in sections:
            keys.append(("section", section_pk))
            keys.extend(("topic", topic_pk) for topic_pk, _ in topics)
    return {key: counts[key] for key in keys}


def naive_counts(shape, roadmap_pk, statuses):
    """Count every level by listing its items and looking each one up."""

    def count(items):
        done = sum(statuses.get(pk) is Status.DONE for pk, _ in items)
        learning = sum(statuses.get(pk) is Status.LEARNING for pk, _ in items)
        skipped = sum(statuses.get(pk) is Status.SKIPPED for pk, _ in items)
        hours = sum(h for _, h in items)
        completed = sum(h for pk, h in items if statuses.get(pk) in (Status.DONE, Status.SKIPPED))
        return Counts(done, learning, skipped, len(items), hours, completed)

    expected, everything = {}, []
    for phase_pk, sections in shape:
        in_phase = []
        for section_pk, topics in sections:
            in_section = [item for _, items in topics for item in items]
            for topic_pk, items in topics:
                expected[("topic", topic_pk)] = count(items)
            expected[("section", section_pk)] = count(in_section)
            in_phase += in_section
        expected[("phase", phase_pk)] = count(in_phase)
        everything += in_phase
    expected[("roadmap", roadmap_pk)] = count(everything)
    return expected


@settings(max_examples=200, database=None)
@given(raw=shapes(), data=st.data())
def test_tally_equals_a_naive_count(raw, data):
    shape = numbered(raw)
    item_pks = [
        pk
        for _, sections in shape
        for _, topics in sections
        for _, items in topics
        for pk, _ in items
    ]
    # Rows of items on the roadmap, and of items elsewhere (another roadmap's).
    elsewhere = st.integers(10_000, 10_100)
    pks = st.sampled_from(item_pks) | elsewhere if item_pks else elsewhere
    statuses = data.draw(st.dictionaries(pks, st.sampled_from(list(Status)), max_size=40))
    rows = {pk: (status, None, None, None) for pk, status in statuses.items()}
    levels, item_hours = levels_of(shape, 0)
    tree = SimpleNamespace(levels=levels, item_hours=item_hours)

    assert every_level(_tally(tree, rows), shape, 0) == naive_counts(shape, 0, statuses)


@FEW_EXAMPLES
@given(data=st.data())
def test_tally_on_the_real_tree_equals_a_naive_count(roadmap, data):
    tree = default_tree()
    pks = [s.pk for s in tree.subtopics]
    statuses = data.draw(st.dictionaries(st.sampled_from(pks), st.sampled_from(list(Status))))
    rows = {pk: (status, None, None, None) for pk, status in statuses.items()}
    counts = every_level(_tally(tree, rows), tree.shape, roadmap.pk)
    assert counts == naive_counts(tree.shape, roadmap.pk, statuses)
    assert counts[("roadmap", roadmap.pk)].total == 210


@FEW_EXAMPLES
@given(data=st.data())
def test_one_level_alone_counts_as_in_a_full_tally(roadmap, data):
    """A tick's answer asks for four levels, in that order; each must be what
    the full count says, whatever was asked before."""
    tree = default_tree()
    pks = [s.pk for s in tree.subtopics]
    statuses = data.draw(st.dictionaries(st.sampled_from(pks), st.sampled_from(list(Status))))
    rows = {pk: (status, None, None, None) for pk, status in statuses.items()}
    expected = naive_counts(tree.shape, roadmap.pk, statuses)
    keys = data.draw(st.lists(st.sampled_from(sorted(expected)), max_size=6))
    counts = _tally(tree, rows)
    assert [counts[key] for key in keys] == [expected[key] for key in keys]
