"""Writing a learner's marks: one item, a whole topic, or everything.

Each write stores the explicit state that was posted. Without JavaScript it
redirects back to the item (POST/redirect/GET); with htmx it answers with one
fragment, tracker/components/outline.html#marked, which decides what travels
with it out of band.
"""

import re

from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tracker.content.models import Subtopic, Topic
from tracker.content.queries import default_roadmap
from tracker.progress import marking
from tracker.progress.forms import ResetProgressForm, SubtopicStatusForm, TopicStatusForm
from tracker.progress.loader import load_progress
from tracker.views.decorators import login_required_htmx

MARKED = "tracker/components/outline.html#marked"
# The ids of items shown in a topic's guide start with this (outline.html#item).
GUIDE_PREFIX = "guide-"
SAFE_FRAGMENT = re.compile(r"[a-z][a-z0-9-]{0,60}")


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


def _mark(request, form, item, set_status):
    """Store the state the form sent for `item`, then answer the page that posted."""
    if not form.is_valid():
        return _invalid(form)
    status = form.cleaned_data["status"]
    set_status(request.user, item, status)
    if not request.htmx:
        return redirect(f"{_next_url(request)}#{_anchor(request, item)}")
    return _answer(request, item, status)


def _anchor(request, item):
    """Where on the page to land: the posting page names its own item (a topic's
    guide prefixes its ids), else the item's id in the outline."""
    fragment = request.POST.get("next", "").partition("#")[2]
    return fragment if SAFE_FRAGMENT.fullmatch(fragment) else item.anchor


def _answer(request, item, status):
    """The htmx answer, read back after the write: what the database now holds."""
    topic = item if isinstance(item, Topic) else item.topic
    progress = load_progress(topic.section.phase.roadmap, request.user, editable=True)
    context = {"progress": progress, "status": status, "next_url": _next_url(request)}
    if (request.htmx.target or "").startswith(GUIDE_PREFIX):
        # Ticked in a topic's guide (its page, or the roadmap's drawer).
        context |= {"id_prefix": GUIDE_PREFIX, "explained": True}
    if isinstance(item, Topic):
        context["topic"] = context["marked_topic"] = progress.topic(item.pk)
    else:
        context["subtopic"] = progress.subtopic(item.pk)
        context["topic"] = context["subtopic"].topic
    return TemplateResponse(request, MARKED, context)


@require_POST
@login_required_htmx
def mark_subtopic(request, pk):
    related = "topic__section__phase__roadmap"
    subtopic = get_object_or_404(Subtopic.objects.select_related(related), pk=pk)
    return _mark(request, SubtopicStatusForm(request.POST), subtopic, marking.set_subtopic_status)


@require_POST
@login_required_htmx
def mark_topic(request, pk):
    topic = get_object_or_404(Topic.objects.select_related("section__phase__roadmap"), pk=pk)
    return _mark(request, TopicStatusForm(request.POST), topic, marking.set_topic_status)


@require_http_methods(["GET", "POST"])
@login_required_htmx
def reset_progress(request):
    roadmap = default_roadmap()
    form = ResetProgressForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            marking.reset_roadmap(request.user, roadmap)
            return redirect("tracker:home")
        return render(request, "tracker/reset.html", {"form": form, "roadmap": roadmap}, status=400)
    return render(request, "tracker/reset.html", {"form": form, "roadmap": roadmap})
