"""The one way a page reads a roadmap with a learner's progress.

`load_progress` returns the content tree with counts on every phase, section
and topic and a Status on every subtopic, in four queries whatever the size
of the roadmap or of the learner's progress: phases, sections, topics, and
subtopics joined to the learner's own rows. Every page, export and htmx
fragment reads it, so an item's status and the counters beside it always
come from the same read.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Q
from django.http import Http404
from django.utils import timezone

from tracker.content.models import Subtopic
from tracker.content.queries import phases_with_content
from tracker.progress.counting import Counts
from tracker.progress.status import Status


@dataclass
class RoadmapProgress:
    """A roadmap's content tree with one learner's progress attached.

    `learner` is None for a visitor: every item is pending and nothing shows
    marks. `editable` is True when the page lets the learner change them
    (their own roadmap), False where they are shown read-only (a public page).
    """

    roadmap: object
    phases: list
    overall: Counts
    learner: object = None
    editable: bool = False

    @property
    def read_only(self):
        """Someone's marks, shown but not changeable here."""
        return self.learner is not None and not self.editable

    def topics(self):
        """Every topic in roadmap order."""
        for phase in self.phases:
            for section in phase.sections.all():
                yield from section.topics.all()

    def subtopics(self):
        """Every subtopic in roadmap order."""
        for topic in self.topics():
            yield from topic.subtopics.all()

    def phase(self, slug):
        return _one_or_404((phase for phase in self.phases if phase.slug == slug), "phase")

    def topic_at(self, phase_slug, section_slug, topic_slug):
        """The topic at a slug path, with its parents' counts on hand."""
        found = (
            topic
            for topic in self.topics()
            if (topic.slug, topic.section.slug, topic.section.phase.slug)
            == (topic_slug, section_slug, phase_slug)
        )
        return _one_or_404(found, "topic")

    def topic(self, pk):
        return _one_or_404((topic for topic in self.topics() if topic.pk == pk), "topic")

    def subtopic(self, pk):
        found = (subtopic for subtopic in self.subtopics() if subtopic.pk == pk)
        return _one_or_404(found, "subtopic")

    def continue_item(self):
        """Where the learner picks up: the learning item they touched last, else
        the first item not started after their latest completion (wrapping round
        to the start), else the first item; None when everything is complete."""
        items = list(self.subtopics())
        learning = [item for item in items if item.status == Status.LEARNING]
        if learning:
            return max(learning, key=lambda item: item.updated_at)
        completed = [(item.completed_at, index) for index, item in enumerate(items)]
        completed = [pair for pair in completed if pair[0]]
        # Ties (a whole topic marked at once) resolve to the last in roadmap order.
        start = max(completed)[1] + 1 if completed else 0
        for item in items[start:] + items[:start]:
            if item.status == Status.PENDING:
                return item
        return None

    def recent_completions(self, limit=5):
        """The items most recently done or skipped, newest first."""
        completed = [item for item in self.subtopics() if item.completed_at]
        completed.sort(key=lambda item: item.completed_at, reverse=True)
        return completed[:limit]

    def completion_days(self):
        """[(date, count)] of items marked done, by day in the current time zone.

        Only done counts: a skip is a decision, not a day of learning. A day
        is the site's, not UTC's, so a tick at 23:30 local time counts for that
        evening.
        """
        days = Counter(
            timezone.localdate(item.completed_at)
            for item in self.subtopics()
            if item.status == Status.DONE and item.completed_at
        )
        return sorted(days.items())

    def learning_since(self):
        """When the learner started: their first mark, else when they joined."""
        started = [item.started_at for item in self.subtopics() if item.started_at]
        return min(started, default=self.learner.date_joined)


def load_progress(roadmap, learner=None, *, editable=False):
    """`roadmap`'s tree with `learner`'s progress (a visitor's: none) attached."""
    learner = learner if learner is not None and learner.is_authenticated else None
    phases = list(phases_with_content(roadmap, _subtopics_of(learner)))
    every = []
    for phase in phases:
        section_counts = []
        for section in phase.sections.all():
            topic_counts = []
            for topic in section.topics.all():
                subtopics = topic.subtopics.all()
                for subtopic in subtopics:
                    subtopic.status = Status(
                        getattr(subtopic, "status_value", None) or Status.PENDING
                    )
                topic.counts = Counts.of_items(subtopics)
                topic_counts.append(topic.counts)
            section.counts = Counts.sum(topic_counts)
            section_counts.append(section.counts)
        phase.counts = Counts.sum(section_counts)
        every.append(phase.counts)
    return RoadmapProgress(
        roadmap=roadmap,
        phases=phases,
        overall=Counts.sum(every),
        learner=learner,
        editable=editable and learner is not None,
    )


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


def _subtopics_of(learner):
    """Subtopics with the learner's row joined in: no row means pending.

    A visitor's subtopics carry no progress fields at all; they are all pending.
    """
    if learner is None:
        return Subtopic.objects.all()
    mine = FilteredRelation("progress", condition=Q(progress__user=learner))
    return Subtopic.objects.annotate(
        mine=mine,
        status_value=F("mine__status"),
        started_at=F("mine__created_at"),
        updated_at=F("mine__updated_at"),
        completed_at=F("mine__completed_at"),
    )


def _one_or_404(found, kind):
    item = next(found, None)
    if item is None:
        raise Http404(f"No such {kind}.")
    return item
