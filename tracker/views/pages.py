"""The pages a reader and a learner look at: the roadmap, a phase, home."""

from django.template.response import TemplateResponse
from django.utils import timezone

from tracker.content.queries import attach_guide, default_roadmap
from tracker.progress import activity, plans
from tracker.progress.loader import load_progress
from tracker.views.decorators import login_required_htmx

PAGE = "tracker/roadmap.html"


def _roadmap_progress(request):
    """The default roadmap with the viewer's own progress, which they may change."""
    return load_progress(default_roadmap(), request.user, editable=True)


def roadmap(request):
    progress = _roadmap_progress(request)
    return TemplateResponse(request, PAGE, {"progress": progress, "phases": progress.phases})


def phase_detail(request, slug):
    progress = _roadmap_progress(request)
    phase = progress.phase(slug)
    context = {"progress": progress, "phases": [phase], "single_phase": phase}
    return TemplateResponse(request, PAGE, context)


@login_required_htmx
def home(request):
    progress = _roadmap_progress(request)
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
    return TemplateResponse(request, "tracker/home.html", context)


def topic_detail(request, phase, section, topic):
    """A topic's guide: its own page, or the roadmap's drawer when htmx asks for it."""
    progress = _roadmap_progress(request)
    topic = attach_guide(progress.topic_at(phase, section, topic))
    # The prerequisites as the tree has them, with the learner's counts.
    needs = [progress.topic(needed.pk) for needed in topic.prerequisites.all()]
    context = {"progress": progress, "topic": topic, "needs": needs, "next_url": request.path}
    if request.htmx and request.htmx.target == "drawer-content":
        return TemplateResponse(request, "tracker/topic.html#drawer", context)
    return TemplateResponse(request, "tracker/topic.html", context)
