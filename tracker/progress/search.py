"""Search and filters on the roadmap page: what matches, and what is shown.

`find` asks the database which topics and items match a search, in one
query whatever the size of the result: a topic by its title, description
and explanation, or by the learner's own note on it (never anyone else's);
an item by its title and explanation. On PostgreSQL that is full-text
search in English (websearch syntax: words, "a phrase", -word, or), ranked
by ts_rank with titles weighing most, over words stored parsed in a column
of each table (tracker/migrations/0007_search_documents.py); SQLite has no full-text search that
Django speaks, so there every word must appear in one of the fields,
ignoring case, and everything ranks the same.

`results` turns those matches and a status filter into what the page
shows, from the tree and the learner's rows already read (a filter alone
costs no query): a matched topic with all its items, a matched item under
its topic, best rank first, grouped by phase and section in that order.
"""

from dataclasses import dataclass
from functools import cached_property, reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import FilteredRelation, FloatField, Func, Q, Value
from django.db.models.expressions import RawSQL

from tracker.content.models import Subtopic, Topic
from tracker.progress.loader import Children
from tracker.progress.status import Status

# Longer than any title, short enough that a pasted page is refused, not searched.
MAX_QUERY_CHARS = 200
EVERYTHING = "everything"
# The filters, with the words the page shows, and the states each one keeps.
SHOW_CHOICES = [
    (EVERYTHING, "Everything"),
    ("hide-completed", "Hide completed"),
    ("learning", "Only learning"),
    ("not-started", "Not started"),
]
SHOWN_STATUSES = {
    EVERYTHING: None,
    "hide-completed": frozenset({Status.PENDING, Status.LEARNING}),
    "learning": frozenset({Status.LEARNING}),
    "not-started": frozenset({Status.PENDING}),
}
CONFIG = "english"
# (field, weight): on PostgreSQL the topics' and items' own are stored parsed
# (tracker/migrations/0007_search_documents.py, with the same weights).
TOPIC_FIELDS = (("title", "A"), ("description", "B"), ("explanation", "C"))
ITEM_FIELDS = (("title", "A"), ("explanation", "C"))
NOTE_FIELD = ("own_note__body", "B")


def find(text, learner=None):
    """{("topic" | "item", pk): rank} of what matches `text`: one query.

    `learner`'s own notes are searched too; a visitor's search reads no note.
    """
    topics = Topic.objects.all()
    extra = ()
    if learner is not None:
        own = FilteredRelation("notes", condition=Q(notes__user=learner))
        topics = topics.annotate(own_note=own)
        extra = (NOTE_FIELD,)
    items = _matching(Subtopic.objects.all(), ITEM_FIELDS, (), text, "item")
    # Ordered in Python (results): a model's default ordering has no place in a union.
    matches = _matching(topics, TOPIC_FIELDS, extra, text, "topic").union(items, all=True)
    return {(kind, pk): rank for kind, pk, rank in matches.order_by()}


def _matching(queryset, fields, extra, text, kind):
    """(kind, pk, rank) of the rows of `queryset` whose `fields` (and `extra`
    fields, of other tables) match `text`."""
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        vector = _document(queryset.model, extra)
        queryset = queryset.annotate(document=vector, rank=SearchRank(vector, query))
        queryset = queryset.filter(document=query)
    else:
        fields += extra
        words = [
            reduce(or_, (Q(**{f"{name}__icontains": word}) for name, _ in fields))
            for word in text.split()
        ]
        queryset = queryset.annotate(rank=Value(0.0, output_field=FloatField()))
        queryset = queryset.filter(reduce(and_, words))
    return queryset.annotate(kind=Value(kind)).values_list("kind", "pk", "rank").order_by()


def _document(model, extra):
    """A row's words as a tsvector: its own fields' from the stored column
    (parsed when the row is written, not at every search), then `extra`'s."""
    column = f'"{model._meta.db_table}"."search_document"'
    stored = RawSQL(column, (), output_field=SearchVectorField())  # noqa: S611 - a model's table
    if not extra:
        return stored
    vectors = [SearchVector(name, weight=weight, config=CONFIG) for name, weight in extra]
    return Func(
        stored,
        *vectors,
        template="(%(expressions)s)",
        arg_joiner=" || ",
        output_field=stored.output_field,
    )


@dataclass(frozen=True)
class Criteria:
    """What the address asks for: search words (may be empty) and a filter."""

    q: str = ""
    show: str = EVERYTHING

    @property
    def active(self):
        return bool(self.q) or self.show != EVERYTHING

    @property
    def show_label(self):
        return dict(SHOW_CHOICES)[self.show]


class Results:
    """What a search and filter found: `key`, ((topic pk, (item pk, ...)), ...)
    best first, which is also what a page kept whole is kept under."""

    def __init__(self, progress, criteria, key):
        self.progress, self.criteria, self.key = progress, criteria, key
        self.topic_count = len(key)
        self.item_count = sum(len(items) for _, items in key)

    @cached_property
    def phases(self):
        """Phase views, each with .sections, each with .topics (views with
        .subtopics), for the page; built only when it is rendered."""
        return _grouped(self.progress, self.key)


def results(progress, criteria):
    """What the roadmap page shows for `criteria` (None: the whole outline).

    A search runs `find`'s one query; a filter alone reads only
    `progress.rows`. A visitor has no marks, so no filter applies to them.
    """
    if progress.learner is None:
        criteria = Criteria(criteria.q)
    if not criteria.active:
        return None
    found = find(criteria.q, progress.learner) if criteria.q else None
    shown = SHOWN_STATUSES[criteria.show]
    picked = []
    for index, topic in enumerate(progress.tree.topics):
        rank, items = _picked_items(progress, topic, found)
        if shown is not None:
            items = [item for item in items if progress.status(item.pk) in shown]
        if items:
            picked.append((-rank, index, topic.pk, items))
    picked.sort(key=lambda entry: entry[:2])  # best rank first, then roadmap order
    key = tuple((pk, tuple(item.pk for item in items)) for _, _, pk, items in picked)
    return Results(progress, criteria, key)


def _picked_items(progress, topic, found):
    """(rank, items) of `topic` that `found` matched: all of them when the
    topic itself matched (or when there was no search), else the matched ones."""
    items = progress.tree.subtopics_of[topic.pk]
    if found is None:
        return 0.0, list(items)
    ranks = [found[("item", item.pk)] for item in items if ("item", item.pk) in found]
    if ("topic", topic.pk) in found:
        return max([found[("topic", topic.pk)], *ranks]), list(items)
    return max(ranks, default=0.0), [item for item in items if ("item", item.pk) in found]


def _grouped(progress, key):
    """Phase views, each with the sections and topics of `key` that are in it,
    each first where its best topic is."""
    phases, sections = {}, {}
    for topic_pk, item_pks in key:
        topic = progress.topic(topic_pk)
        topic.subtopics = Children(item for item in topic.subtopics if item.pk in item_pks)
        section, phase = topic.section, topic.section.phase
        if phase.pk not in phases:
            phases[phase.pk] = phase
            phase.sections = []
        if section.pk not in sections:
            sections[section.pk] = section
            section.topics = []
            phases[phase.pk].sections.append(section)
        sections[section.pk].topics.append(topic)
    return list(phases.values())
