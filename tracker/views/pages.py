"""The pages a reader and a learner look at: the roadmap, a phase, home."""

from django.utils import timezone

from tracker.content.tree import default_tree
from tracker.progress import activity, plans, stamping
from tracker.progress.loader import learner_progress, load_progress
from tracker.views.decorators import cached_for_visitors, login_required_htmx

PAGE = "tracker/roadmap.html"


def _roadmap_progress(request, *, times=False):
    """The default roadmap with the viewer's own progress, which they may change."""
    if times:
        return load_progress(default_tree(), request.user, editable=True, times=True)
    return learner_progress(request.user, editable=True)


@cached_for_visitors
def roadmap(request):
    progress = _roadmap_progress(request)
    context = {"progress": progress, "phases": progress.tree.phases}
    return stamping.page(request, PAGE, context, outline=stamping.outline(progress))


@cached_for_visitors
def phase_detail(request, slug):
    progress = _roadmap_progress(request)
    phase = progress.tree.phase(slug)
    context = {"progress": progress, "single_phase": phase}
    outline = stamping.outline(progress, [phase], single_phase=True)
    return stamping.page(request, PAGE, context, outline=outline)


@login_required_htmx
def home(request):
    progress = _roadmap_progress(request, times=True)
    today = timezone.localdate()
    plan = plans.learning_plan(progress, today)
    context = {
        "progress": progress,
        "continue_item": progress.continue_item(),
        "recent": progress.recent_completions(),
        "activity": activity.build(progress.completion_days(), today),
        "plan": plan,
        "pace": plans.project(progress, plan, today),
    }
    summary = stamping.phases_summary(progress)
    return stamping.page(request, "tracker/home.html", context, phases_summary=summary)


@cached_for_visitors
def topic_detail(request, phase, section, topic):
    """A topic's guide: its own page, or the roadmap's drawer when htmx asks for it."""
    progress = _roadmap_progress(request)
    topic = progress.topic_at(phase, section, topic)
    # The prerequisites as the tree has them, with the learner's counts.
    needs = [progress.topic(needed.pk) for needed in topic.prerequisites.all()]
    context = {"progress": progress, "topic": topic, "needs": needs}
    drawer = request.htmx and request.htmx.target == "drawer-content"
    template = "tracker/topic.html#drawer" if drawer else "tracker/topic.html"
    return stamping.page(request, template, context, items=stamping.guide_items(progress, topic))
