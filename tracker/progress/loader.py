"""The one way a page reads a roadmap with a learner's progress.

`load_progress` takes a roadmap's content tree (tracker.content.tree, shared
by every request while the content is unchanged) and adds one learner's
rows, read in one query whatever the size of the roadmap or of the
progress: counts on every phase, section and topic and a Status on every
subtopic. Every page, export and htmx fragment reads it, so an item's status
and the counters beside it always come from the same read.

The tree's nodes are shared between learners, so nothing here writes to
them: a learner's state is kept in this module's objects, and `phases`
gives templates per-request views that read like the nodes plus the
learner's `counts` and `status`.
"""

from collections import Counter
from functools import cached_property

import psycopg
from django.db import connection
from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone
from psycopg import pq
from psycopg.postgres import types as postgres_types

from tracker.content import versioning
from tracker.content.models import ContentVersion, Subtopic
from tracker.content.tree import default_tree, last_seen_tree
from tracker.progress import plans
from tracker.progress.counting import Counts
from tracker.progress.models import LearningPlan, Note, Progress
from tracker.progress.status import Status


class Marked:
    """A content node as one learner sees it: the node's own attributes, and
    the learner's `counts` (a level) or `status` and times (an item), with
    its parent and children as views too."""

    def __init__(self, node, **attrs):
        self.node = node
        self.__dict__.update(attrs)

    def __getattr__(self, name):
        return getattr(self.__dict__["node"], name)

    def __repr__(self):
        return f"<Marked {self.node!r}>"


class Children(tuple):
    """A view's children. It also answers .all(), as a prefetched relation
    does, so code written for model instances (the Markdown writer) reads
    views the same way."""

    def all(self):
        return self


class RoadmapProgress:
    """A roadmap's content tree with one learner's progress attached.

    `learner` is None for a visitor: every item is pending and nothing shows
    marks. `editable` is True when the page lets the learner change them
    (their own roadmap), False where they are shown read-only (a public page).
    """

    def __init__(self, tree, learner, editable, rows, noted=frozenset()):
        self.tree = tree
        self.roadmap = tree.roadmap
        self.learner = learner
        self.editable = editable and learner is not None
        # {subtopic pk: (status, created_at, updated_at, completed_at)}; no row is pending.
        self.rows = rows
        # The pks of topics the learner has notes on, for the outline's marker;
        # read only for the learner's own pages (never a public page's).
        self.noted = noted

    @cached_property
    def counts(self):
        return _tally(self.tree, self.rows)

    @cached_property
    def overall(self):
        return self.counts[("roadmap", self.roadmap.pk)]

    @property
    def state(self):
        """All this object was built from, to compare by equality: a key for
        pages kept whole (tracker.views.page_memo)."""
        learner = self.learner.pk if self.learner else None
        return (self.tree.token, learner, self.editable, frozenset(self.rows.items()), self.noted)

    @property
    def read_only(self):
        """Someone's marks, shown but not changeable here."""
        return self.learner is not None and not self.editable

    def status(self, subtopic_pk):
        row = self.rows.get(subtopic_pk)
        return row[0] if row else Status.PENDING

    @cached_property
    def phases(self):
        """Per-request views of the whole tree, for templates and exports."""
        return [self._phase_view(phase) for phase in self.tree.phases]

    def _phase_view(self, phase):
        view = Marked(phase, counts=self.counts[("phase", phase.pk)])
        view.sections = Children(
            self._section_view(s, view) for s in self.tree.sections_of[phase.pk]
        )
        return view

    def _section_view(self, section, phase):
        view = Marked(section, phase=phase, counts=self.counts[("section", section.pk)])
        view.topics = Children(self._topic_view(t, view) for t in self.tree.topics_of[section.pk])
        return view

    def _topic_view(self, topic, section):
        view = Marked(topic, section=section, counts=self.counts[("topic", topic.pk)])
        view.subtopics = Children(
            self._item_view(s, view) for s in self.tree.subtopics_of[topic.pk]
        )
        return view

    def _item_view(self, subtopic, topic):
        status, started_at, updated_at, completed_at = self.rows.get(subtopic.pk, _PENDING_ROW)
        return Marked(
            subtopic,
            topic=topic,
            status=status,
            started_at=started_at,
            updated_at=updated_at,
            completed_at=completed_at,
        )

    def topic_at(self, phase_slug, section_slug, topic_slug):
        """The topic at a slug path, with its parents' counts on hand."""
        return self.topic(self.tree.topic_at(phase_slug, section_slug, topic_slug).pk)

    def topic(self, pk):
        """A topic's view with its items and its section and phase above it.

        Built alone, without the views of the rest of the tree: a tick's
        answer and a topic's page need only this one path.
        """
        node = self.tree.topic(pk)
        section, phase = node.section, node.section.phase
        phase_view = Marked(phase, counts=self.counts[("phase", phase.pk)])
        section_view = Marked(
            section, phase=phase_view, counts=self.counts[("section", section.pk)]
        )
        return self._topic_view(node, section_view)

    def subtopic(self, pk):
        """An item's view, its topic and the levels above it (see topic)."""
        node = self.tree.subtopic(pk)
        return next(item for item in self.topic(node.topic_id).subtopics if item.node is node)

    @property
    def phase_totals(self):
        """Each phase with its counts but not its children: what a summary by phase shows."""
        return [
            Marked(phase, counts=self.counts[("phase", phase.pk)]) for phase in self.tree.phases
        ]

    @cached_property
    def marked_items(self):
        """[(item node, row)] of every item with a row, in roadmap order."""
        rows = self.rows
        return [(item, rows[pk]) for pk, item in self.tree.items if pk in rows]

    def continue_item(self):
        """Where the learner picks up: the learning item they touched last, else
        the first item not started after their latest completion (wrapping round
        to the start), else the first item; None when everything is complete."""
        items, rows = self.tree.items, self.rows
        learning = [(row[2], item) for item, row in self.marked_items if row[0] == Status.LEARNING]
        if learning:
            return self.subtopic(max(learning, key=lambda pair: pair[0])[1].pk)
        completed = [(rows[pk][3], index) for index, (pk, _) in enumerate(items) if pk in rows]
        completed = [pair for pair in completed if pair[0]]
        # Ties (a whole topic marked at once) resolve to the last in roadmap order.
        start = max(completed)[1] + 1 if completed else 0
        for pk, _ in items[start:] + items[:start]:
            if pk not in rows:
                return self.subtopic(pk)
        return None

    def recent_completions(self, limit=5):
        """The items most recently done or skipped, newest first."""
        completed = [(row[3], item.pk) for item, row in self.marked_items if row[3]]
        completed.sort(key=lambda pair: pair[0], reverse=True)
        return [self.subtopic(pk) for _, pk in completed[:limit]]

    def completion_days(self):
        """[(date, count)] of items marked done, by day in the current time zone.

        Only done counts: a skip is a decision, not a day of learning. A day
        is the site's, not UTC's, so a tick at 23:30 local time counts for that
        evening.
        """
        # The zone looked up once, not by timezone.localdate() for every row.
        zone = timezone.get_current_timezone()
        days = Counter(
            completed_at.astimezone(zone).date()
            for status, _, _, completed_at in self.rows.values()
            if status == Status.DONE and completed_at
        )
        return sorted(days.items())

    def learning_since(self):
        """When the learner started: their first mark, else when they joined."""
        started = [started_at for _, started_at, _, _ in self.rows.values() if started_at]
        return min(started, default=self.learner.date_joined)


_PENDING_ROW = (Status.PENDING, None, None, None)


def load_progress(tree, learner=None, *, editable=False, times=False):
    """`tree`'s roadmap with `learner`'s progress (a visitor's: none) attached.

    `times` also reads when each item was started, last changed and
    completed, which only some pages show; without it they are None.
    """
    learner = learner if learner is not None and learner.is_authenticated else None
    rows, noted = ({}, frozenset()) if learner is None else _rows_of(learner, tree, times)
    return RoadmapProgress(tree, learner, editable, rows, noted)


def learner_progress(learner, *, editable=False, times=False):
    """The default roadmap with `learner`'s progress: one query.

    A signed-in page needs the content version (to know its tree is current)
    and the learner's rows, one after the other; asked together, a learner's
    page costs one round trip less. Anyone else gets load_progress's way.
    """
    # SQLite hands a raw query its times as text, which the ORM would convert:
    # there (development, tests) times come through load_progress's ORM query.
    if not learner or not learner.is_authenticated or (times and connection.vendor != "postgresql"):
        return load_progress(default_tree(), learner, editable=editable, times=times)
    with connection.cursor() as cursor:
        if times:
            _plain_timestamps(cursor)
            cursor.execute(_VERSION_AND_TIMES, [learner.pk, versioning.VERSION_ROW])
        else:
            cursor.execute(
                _VERSION_STATUSES_AND_NOTES, [learner.pk, versioning.VERSION_ROW, learner.pk]
            )
        found = cursor.fetchall()
    # The version's token is on every row but the notes' (UNION ALL: in no set order).
    tree = default_tree(token=next((row[0] for row in found if row[0] is not None), None))
    rows, noted = _split_notes([row[1:] for row in found if row[1] is not None])
    return RoadmapProgress(tree, learner, editable, _keep_tree_rows(tree, rows), noted)


def learner_progress_and_plan(learner, *, editable=False):
    """learner_progress with times, and the learner's saved plan for the
    roadmap as plans.saved_plan gives it, for the home page: one query.

    The plan is asked for the roadmap of the tree this process last knew;
    should the version read back name a tree of another roadmap, the plan is
    read again for that one. SQLite gets the two reads one after the other.
    """
    known = last_seen_tree()
    if connection.vendor != "postgresql" or known is None:
        progress = learner_progress(learner, editable=editable, times=True)
        return progress, plans.saved_plan(learner, progress.roadmap)
    with connection.cursor() as cursor:
        _plain_timestamps(cursor)
        cursor.execute(
            _VERSION_PLAN_AND_TIMES,
            [learner.pk, known.roadmap.pk, learner.pk, versioning.VERSION_ROW],
        )
        found = cursor.fetchall()
    tree = default_tree(token=found[0][0] if found else None)
    rows = [row[1:6] for row in found if row[1] is not None]
    progress = RoadmapProgress(tree, learner, editable, _keep_tree_rows(tree, rows))
    if tree.roadmap.pk != known.roadmap.pk:
        return progress, plans.saved_plan(learner, tree.roadmap)
    saved = found[0][6:8] if found and found[0][6] is not None else None
    return progress, saved


def _plain_timestamps(cursor):
    """Load this PostgreSQL cursor's timestamps with psycopg's own loader.

    Django's loads each value with psycopg's and then replaces its time zone
    with the connection's, in Python: on a home page's 300 timestamps, a fifth
    of the page's time. psycopg's gives the same instants, aware, in the
    session's time zone, which Django sets to the connection's (UTC).
    """
    oid = _TIMESTAMPTZ.oid
    for format_ in (pq.Format.TEXT, pq.Format.BINARY):
        cursor.cursor.adapters.register_loader(oid, psycopg.adapters.get_loader(oid, format_))


def progress_of_statuses(tree, learner, found, *, editable=False):
    """`tree` with `learner`'s rows as [(subtopic_id, status)] already read
    (tracker.progress.marking.set_subtopic_status): no query."""
    return RoadmapProgress(tree, learner, editable, _keep_tree_rows(tree, found))


def _rows_of(learner, tree, times):
    """The learner's rows on the tree's roadmap, and the topics they have
    notes on (not read with `times`): one query, plain tuples.

    It reads all the learner's rows and keeps those of this roadmap's items,
    rather than joining four tables to find them: the rows are few (at most
    one per item) and the join costs more to build than to run.
    """
    if times:
        fields = ("subtopic_id", "status", "created_at", "updated_at", "completed_at")
        found = Progress.objects.filter(user=learner).values_list(*fields)
        return _keep_tree_rows(tree, found), frozenset()
    # Every page and tick asks for this, so it is written out: the ORM
    # takes longer to build the query than the database takes to answer.
    with connection.cursor() as cursor:
        cursor.execute(_STATUSES_AND_NOTES_OF, [learner.pk, learner.pk])
        rows, noted = _split_notes(cursor.fetchall())
    return _keep_tree_rows(tree, rows), noted


def _split_notes(found):
    """([(subtopic pk, status, ...)], frozenset of noted topic pks) from rows
    where a note's row is (topic pk, None): a progress row always has a status."""
    noted = frozenset(row[0] for row in found if row[1] is None)
    return [row for row in found if row[1] is not None], noted


def _keep_tree_rows(tree, found):
    items = tree.subtopic_pks
    return {
        pk: (_STATUSES[status], *(rest or _NO_TIMES)) for pk, status, *rest in found if pk in items
    }


# A note's row is (its topic's pk, NULL): a progress row always has a status.
_NOTED_TOPICS = f" UNION ALL SELECT topic_id, NULL FROM {Note._meta.db_table} WHERE user_id = %s"  # noqa: S608 - a model's table name
_STATUSES_AND_NOTES_OF = (
    f"SELECT subtopic_id, status FROM {Progress._meta.db_table} WHERE user_id = %s"  # noqa: S608 - a model's table name
    + _NOTED_TOPICS
)
# The version row comes back even for a learner with no rows (LEFT JOIN).
_VERSION_AND = f"""
    SELECT version.token, progress.subtopic_id, progress.status{{times}}
    FROM {ContentVersion._meta.db_table} AS version
    LEFT JOIN {Progress._meta.db_table} AS progress ON progress.user_id = %s
    WHERE version.id = %s
"""  # noqa: S608 - models' table names
_VERSION_PLAN_AND_TIMES = f"""
    SELECT version.token, progress.subtopic_id, progress.status, progress.created_at,
        progress.updated_at, progress.completed_at, plan.hours_per_week, plan.start_date
    FROM {ContentVersion._meta.db_table} AS version
    LEFT JOIN {LearningPlan._meta.db_table} AS plan ON plan.user_id = %s AND plan.roadmap_id = %s
    LEFT JOIN {Progress._meta.db_table} AS progress ON progress.user_id = %s
    WHERE version.id = %s
"""  # noqa: S608 - models' table names
# A learner's own page also marks the topics they have notes on: their pks
# come in the same answer, as rows with no status and no version token.
_VERSION_STATUSES_AND_NOTES = _VERSION_AND.format(times="") + _NOTED_TOPICS.replace(
    "SELECT", "SELECT NULL,", 1
)
_VERSION_AND_TIMES = _VERSION_AND.format(
    times=", progress.created_at, progress.updated_at, progress.completed_at"
)
# A stored value to its Status: a dict read, where Status(value) is an enum call per row.
_STATUSES = {status.value: status for status in Status}


_NO_TIMES = (None, None, None)
_TIMESTAMPTZ = postgres_types["timestamptz"]


def _tally(tree, rows):
    """Counts of every topic, section, phase and of the roadmap, keyed (kind, pk).

    Each level is counted when first asked for (LevelCounts): a page's
    outline asks for all 82, a tick's answer for four (its item's topic,
    section and phase, and the roadmap's, counted from the rows alone).
    """
    return LevelCounts(tree, rows)


class LevelCounts(dict):
    """{(kind, pk): Counts}, each computed on first read from the tree's
    plain numbers (ContentTree.levels), never from its model instances.

    A level is counted from its own items rather than summed from its
    children's counts: a tick's answer then counts four levels, not the
    dozens below its phase, and a page's 82 cost three passes over 210 items.
    """

    def __init__(self, tree, rows):
        super().__init__()
        self.tree, self.rows = tree, rows

    def __missing__(self, key):
        if key[0] == "roadmap":
            counts = _count_roadmap(self.tree.item_hours, self.rows)
        else:
            counts = _count_items(self.tree.levels[key], self.rows)
        self[key] = counts
        return counts


def _count_items(items, rows):
    """A level's Counts from its ((item pk, hours), ...).

    Lists, not generators: a comprehension runs inline (Python 3.12), where a
    generator is resumed once per item, so a level costs the same few calls
    however many of its items the learner has marked.
    """
    marked = [(rows[pk][0], hours) for pk, hours in items if pk in rows]
    return _counts_of(marked, len(items), sum([hours for _, hours in items]))


def _count_roadmap(item_hours, rows):
    """The roadmap's Counts from the learner's rows alone: no pass over the
    items they have not touched (a tick's answer needs it, and most are).
    A row of another roadmap's item is not counted."""
    marked = [(row[0], item_hours[pk]) for pk, row in rows.items() if pk in item_hours]
    return _counts_of(marked, len(item_hours), sum(item_hours.values()))


def _counts_of(marked, total, hours):
    """Counts of `total` items of `hours`, from (status, hours) of those with a row."""
    done = learning = skipped = hours_completed = 0
    for status, item_hours in marked:
        if status is Status.DONE:
            done += 1
            hours_completed += item_hours
        elif status is Status.SKIPPED:
            skipped += 1
            hours_completed += item_hours
        elif status is Status.LEARNING:
            learning += 1
    return Counts(done, learning, skipped, total, hours, hours_completed)


def overall_counts(roadmap, learner):
    """Only the roadmap's overall Counts for `learner`, in one query (for badges)."""
    mine = FilteredRelation("progress", condition=Q(progress__user=learner))
    totals = (
        Subtopic.objects.filter(topic__section__phase__roadmap=roadmap)
        .annotate(mine=mine)
        .aggregate(
            total=Count("id"),
            **{
                status.value: Count("id", filter=Q(mine__status=status))
                for status in (Status.DONE, Status.LEARNING, Status.SKIPPED)
            },
        )
    )
    return Counts(**totals)
