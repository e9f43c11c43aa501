"""Reading the roadmap and a learner's progress in a fixed number of queries.

Every page loads the content tree with one query per level (prefetch) and the
learner's statuses with one more, however large the roadmap or the progress.
"""

from django.db.models import Count, FilteredRelation, Prefetch, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from tracker.models import Progress, Roadmap, Section, Subtopic, Topic
from tracker.progress import Counts, tally


def default_roadmap():
    roadmap = Roadmap.objects.order_by("id").first()
    if roadmap is None:
        raise Http404("No roadmap has been loaded yet.")
    return roadmap


def phases_with_content(roadmap):
    """The roadmap's phases with sections, topics and subtopics prefetched."""
    return roadmap.phases.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order", "id")),
        Prefetch("sections__topics", queryset=Topic.objects.order_by("order", "id")),
        Prefetch("sections__topics__subtopics", queryset=Subtopic.objects.order_by("order", "id")),
    ).order_by("order", "id")


def progress_rows(user, roadmap):
    """(subtopic, topic, section, phase, status) for every subtopic, in one query."""
    mine = FilteredRelation("progress", condition=Q(progress__user=user))
    return (
        Subtopic.objects.filter(topic__section__phase__roadmap=roadmap)
        .annotate(mine=mine)
        .values_list(
            "id", "topic_id", "topic__section_id", "topic__section__phase_id", "mine__status"
        )
    )


def progress_tally(user, roadmap):
    rows = progress_rows(user, roadmap) if user.is_authenticated else []
    rows = list(rows)
    statuses = {row[0]: row[4] for row in rows}
    return tally(row[1:] for row in rows), statuses


def attach_progress(phases, progress, statuses):
    """Set .counts on phases, sections and topics and .status on subtopics."""
    for phase in phases:
        phase.counts = progress.phases.get(phase.id, Counts())
        for section in phase.sections.all():
            section.counts = progress.sections.get(section.id, Counts())
            for topic in section.topics.all():
                topic.counts = progress.topics.get(topic.id, Counts())
                for subtopic in topic.subtopics.all():
                    subtopic.status = statuses.get(subtopic.id)


def subtopic_for_update(pk):
    return Subtopic.objects.select_related("topic__section__phase__roadmap").filter(pk=pk).first()


def next_up(user, roadmap):
    """The first subtopic in roadmap order that the learner has not completed."""
    mine = FilteredRelation("progress", condition=Q(progress__user=user))
    return (
        Subtopic.objects.filter(topic__section__phase__roadmap=roadmap)
        .annotate(mine=mine)
        .filter(Q(mine__status__isnull=True) | Q(mine__status=Progress.Status.LEARNING))
        .select_related("topic__section__phase")
        .order_by(
            "topic__section__phase__order",
            "topic__section__phase_id",
            "topic__section__order",
            "topic__section_id",
            "topic__order",
            "topic_id",
            "order",
            "id",
        )
        .first()
    )


def recently_completed(user, roadmap, limit=5):
    return (
        Progress.objects.filter(
            user=user,
            completed_at__isnull=False,
            subtopic__topic__section__phase__roadmap=roadmap,
        )
        .select_related("subtopic__topic__section__phase")
        .order_by("-completed_at", "-id")[:limit]
    )


def completion_days(user):
    """[(date, count)] of the learner's completions, by day in the current time zone.

    One query, grouped in the database: a calendar day is the site's, not UTC's,
    so a tick at 23:30 local time counts for that evening.
    """
    day = TruncDate("completed_at", tzinfo=timezone.get_current_timezone())
    return list(
        Progress.objects.filter(user=user, completed_at__isnull=False)
        .annotate(day=day)
        .values("day")
        .annotate(completions=Count("id"))
        .order_by("day")
        .values_list("day", "completions")
    )
