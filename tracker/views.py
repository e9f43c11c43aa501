from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tracker import activity, marking, queries
from tracker.decorators import login_required_htmx
from tracker.forms import ResetProgressForm, SubtopicStatusForm, TopicStatusForm
from tracker.models import Topic
from tracker.progress import Counts

PAGE = "tracker/roadmap.html"
STATUS_WORDS = {
    "done": "done",
    "learning": "learning",
    "skipped": "skipped",
    "pending": "not started",
}


def _page_context(request, roadmap, phases):
    progress, statuses = queries.progress_tally(request.user, roadmap)
    queries.attach_progress(phases, progress, statuses)
    return {
        "roadmap": roadmap,
        "phases": phases,
        "overall": progress.overall,
        "next_url": request.path,
        "show_progress": request.user.is_authenticated,
        "can_edit": request.user.is_authenticated,
    }


def roadmap(request):
    roadmap = queries.default_roadmap()
    phases = list(queries.phases_with_content(roadmap))
    return render(request, PAGE, _page_context(request, roadmap, phases))


def phase_detail(request, slug):
    roadmap = queries.default_roadmap()
    phases = list(queries.phases_with_content(roadmap).filter(slug=slug))
    if not phases:
        raise Http404("No such phase.")
    context = _page_context(request, roadmap, phases)
    return render(request, PAGE, {**context, "single_phase": phases[0]})


def _next_url(request):
    """Where the page that posted lives, so no-JS posts return to it."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("#")[0]
    return reverse("tracker:roadmap")


def _invalid(form):
    problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
    return HttpResponseBadRequest(f"Invalid request. {problems}", content_type="text/plain")


def _fragments(request, topic, main, context, announcement):
    """Render `main`, then the counters above it out of band, from one tally."""
    section, phase = topic.section, topic.section.phase
    progress, statuses = queries.progress_tally(request.user, phase.roadmap)
    topic.counts = progress.topics.get(topic.pk, Counts())
    section.counts = progress.sections.get(section.pk, Counts())
    phase.counts = progress.phases.get(phase.pk, Counts())
    context = {
        **context,
        "topic": topic,
        "section": section,
        "phase": phase,
        "overall": progress.overall,
        "announcement": announcement,
        "next_url": _next_url(request),
        "show_progress": True,
        "can_edit": True,
    }
    out_of_band = ["section-progress", "phase-progress", "overall-progress", "announcer"]
    if main == "subtopic":
        out_of_band.insert(0, "topic-progress")
    else:
        for subtopic in topic.subtopics.all():
            subtopic.status = statuses.get(subtopic.pk)
    parts = [render_to_string(f"{PAGE}#{main}", context, request)]
    parts += [
        render_to_string(f"{PAGE}#{name}", {**context, "oob": True}, request)
        for name in out_of_band
    ]
    return HttpResponse("".join(parts))


@require_POST
@login_required_htmx
def mark_subtopic(request, pk):
    subtopic = queries.subtopic_for_update(pk)
    if subtopic is None:
        raise Http404("No such subtopic.")
    form = SubtopicStatusForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    status = form.cleaned_data["status"]
    marking.set_subtopic_status(request.user, subtopic, status)
    if not request.htmx:
        return redirect(f"{_next_url(request)}#{subtopic.anchor}")
    subtopic.status = None if status == "pending" else status
    announcement = f"{subtopic.title}: {STATUS_WORDS[status]}."
    return _fragments(request, subtopic.topic, "subtopic", {"subtopic": subtopic}, announcement)


@require_POST
@login_required_htmx
def mark_topic(request, pk):
    topic = get_object_or_404(Topic.objects.select_related("section__phase__roadmap"), pk=pk)
    form = TopicStatusForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    status = form.cleaned_data["status"]
    marking.set_topic_status(request.user, topic, status)
    if not request.htmx:
        return redirect(f"{_next_url(request)}#topic-{topic.pk}")
    prefetch_related_objects([topic], "subtopics")
    announcement = f"All of {topic.title}: {STATUS_WORDS[status]}."
    return _fragments(request, topic, "topic", {}, announcement)


@require_http_methods(["GET", "POST"])
@login_required_htmx
def reset_progress(request):
    roadmap = queries.default_roadmap()
    form = ResetProgressForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            marking.reset_roadmap(request.user, roadmap)
            return redirect("tracker:home")
        return render(request, "tracker/reset.html", {"form": form, "roadmap": roadmap}, status=400)
    return render(request, "tracker/reset.html", {"form": form, "roadmap": roadmap})


@login_required_htmx
def home(request):
    roadmap = queries.default_roadmap()
    progress, _ = queries.progress_tally(request.user, roadmap)
    phases = list(roadmap.phases.order_by("order", "id"))
    for phase in phases:
        phase.counts = progress.phases.get(phase.pk, Counts())
    context = {
        "roadmap": roadmap,
        "phases": phases,
        "overall": progress.overall,
        "next_up": queries.next_up(request.user, roadmap),
        "recent": queries.recently_completed(request.user, roadmap),
        "activity": activity.build(queries.completion_days(request.user), timezone.localdate()),
    }
    return render(request, "tracker/home.html", context)
