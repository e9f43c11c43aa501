"""The pages a reader and a learner look at: the roadmap, a phase, home."""

from django.template.response import TemplateResponse
from django.utils import timezone

from tracker.content.queries import default_roadmap
from tracker.progress import activity
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
    context = {
        "progress": progress,
        "continue_item": progress.continue_item(),
        "recent": progress.recent_completions(),
        "activity": activity.build(progress.completion_days(), timezone.localdate()),
    }
    return TemplateResponse(request, "tracker/home.html", context)
