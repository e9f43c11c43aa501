"""A learner's learning plan, with the defaults of one who has set none, and their pace.

The arithmetic lives in tracker.progress.pace; this module reads what it needs
from the database and from a RoadmapProgress (tracker.progress.loader), which
already holds every item's hours, status and dates, so the plan costs one
query on top of the loader's.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone

from tracker.progress import pace
from tracker.progress.models import LearningPlan
from tracker.progress.status import COMPLETE


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """The plan in force, what a learner chose and what they would get by default."""

    hours_per_week: int
    start: date
    start_date: date | None  # as chosen; None means from the first tick
    default_hours_per_week: int  # finishes the roadmap in its duration
    total_hours: int  # the roadmap's estimate
    first_tick: date | None  # None when nothing has been ticked yet
    duration: str  # the roadmap's, such as "6 months"; may be empty
    target_days: float | None
    is_saved: bool


def learning_plan(progress, today):
    """The plan of `progress`'s learner for its roadmap, in one query."""
    return plan_settings(progress, today, saved_plan(progress.learner, progress.roadmap))


def saved_plan(learner, roadmap):
    """(hours per week, start date or None) as the learner saved them, else None: one query.

    Written out, as the loader's reads are: the home page asks for it every time.
    """
    with connection.cursor() as cursor:
        cursor.execute(_SAVED_PLAN, [learner.pk, roadmap.pk])
        return cursor.fetchone()


_SAVED_PLAN = (
    f"SELECT hours_per_week, start_date FROM {LearningPlan._meta.db_table} "  # noqa: S608
    "WHERE user_id = %s AND roadmap_id = %s"
)


def plan_settings(progress, today, saved):
    """The plan in force for `progress`, given `saved` (from saved_plan): no query.

    A learner without a saved plan gets the defaults: the hours per week the
    roadmap's duration implies for its total, from their first tick (today
    when there is none yet, so a new learner is neither ahead nor behind).
    """
    target_days = pace.parse_duration(progress.roadmap.duration)
    default_hours = pace.default_hours_per_week(progress.overall.hours, target_days)
    first_tick = _first_tick(progress)
    hours_per_week, start_date = saved or (default_hours, None)
    return PlanSettings(
        hours_per_week=hours_per_week,
        start=start_date or first_tick or today,
        start_date=start_date,
        default_hours_per_week=default_hours,
        total_hours=progress.overall.hours,
        first_tick=first_tick,
        duration=progress.roadmap.duration,
        target_days=target_days,
        is_saved=saved is not None,
    )


def project(progress, plan, today):
    """The learner's pace against `plan` (a PlanSettings): no query."""
    # The zone is looked up once: timezone.localdate() looks it up again for
    # every item, which cost more than the projection itself.
    zone = timezone.get_current_timezone()
    completions = [
        (completed_at.astimezone(zone).date(), item.hours)
        for item, (status, _, _, completed_at) in progress.marked_items
        if status in COMPLETE and completed_at
    ]
    return pace.project(
        total_hours=progress.overall.hours,
        completions=completions,
        hours_per_week=plan.hours_per_week,
        start=plan.start,
        today=today,
        target_days=plan.target_days,
    )


def save_plan(learner, roadmap, *, hours_per_week, start_date):
    LearningPlan.objects.update_or_create(
        user=learner,
        roadmap=roadmap,
        defaults={"hours_per_week": hours_per_week, "start_date": start_date},
    )


def _first_tick(progress):
    """The local day of the learner's first mark.

    A row's creation is when it was first marked; an imported or back-dated
    completion may be older than its row, so the earlier of the two counts.
    """
    moments = [
        moment
        for _, (_, started_at, _, completed_at) in progress.marked_items
        for moment in (started_at, completed_at)
        if moment
    ]
    return timezone.localdate(min(moments)) if moments else None
