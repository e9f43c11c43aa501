"""Saving a learner's own notes and links on a topic.

With htmx (the topic's page, or the roadmap's drawer) a note's save answers
with its state only (tracker/components/notes.html#note-state: the revision
now stored, "Saved", the note as it reads), leaving the text box and its
caret alone; a refused save (too long, or a conflict with another tab)
answers with the whole notes block, retargeted, so the learner sees why.
Links answer with their list. Without JavaScript each form posts and is
redirected back to the topic's page (POST/redirect/GET), or gets that page
again, with the problem shown, as a 400 or a 409.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from tracker.content.tree import default_tree
from tracker.progress import notes
from tracker.progress.forms import LinkForm, NoteForm
from tracker.progress.loader import learner_progress
from tracker.views.decorators import login_required_htmx
from tracker.views.pages import topic_page

NOTES = "tracker/components/notes.html"


def _topic_url(topic, anchor):
    section = topic.section
    path = reverse("tracker:topic", args=[section.phase.slug, section.slug, topic.slug])
    return f"{path}#{anchor}"


def _page_again(request, topic_pk, status, **forms):
    """The topic's page (or drawer) as it stands, with `forms` in place of the blank ones."""
    progress = learner_progress(request.user, editable=True)
    topic = progress.topic(topic_pk)
    return topic_page(
        request, progress, topic, notes.of_topic(request.user, topic_pk), status, **forms
    )


@require_POST
@login_required_htmx
def save_note(request, pk):
    topic = default_tree().topic(pk)  # a 404 for a topic not on the roadmap
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, topic, 400, note_form=form)
    body, base = form.cleaned_data["body"], form.cleaned_data["revision"]
    result = notes.save_note(request.user, pk, body, base)
    if isinstance(result, notes.Conflict):
        # The learner's text stays in the box; the stored one is shown beside it.
        mine = NoteForm(initial={"body": body, "revision": result.revision})
        return _refused(request, topic, 409, note_form=mine, conflict=result)
    if not request.htmx:
        return redirect(_topic_url(topic, f"note-{pk}"))
    if request.POST.get("after_conflict"):
        saved = NoteForm(initial={"body": body, "revision": result.revision})
        return _block(request, topic, 200, note_form=saved)
    context = {"topic": topic, "note": result.note, "revision": result.revision}
    html = render_to_string(f"{NOTES}#note-saved", {**context, "now": timezone.now()})
    # static/js/notes.js puts the outline's marker on the topic, or takes it off.
    noted = {"topic": pk, "noted": result.note is not None}
    return trigger_client_event(HttpResponse(html), "note-saved", noted)


def _refused(request, topic, status, **forms):
    if not request.htmx:
        return _page_again(request, topic.pk, status, **forms)
    return _block(request, topic, status, **forms)


def _block(request, topic, status, **forms):
    """The whole notes block, in place of the state region the form names."""
    context = {"topic": topic, "mine": notes.of_topic(request.user, topic.pk), **forms}
    html = render_to_string(f"{NOTES}#notes", context, request=request)
    return reswap(retarget(HttpResponse(html, status=status), f"#note-{topic.pk}"), "outerHTML")


@require_POST
@login_required_htmx
def add_link(request, pk):
    topic = default_tree().topic(pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            notes.add_link(request.user, pk, **form.cleaned_data)
        except notes.TooManyLinks as error:
            form.add_error(None, str(error))
    if form.errors and not request.htmx:
        return _page_again(request, pk, 400, link_form=form)
    return _links_answer(
        request, topic, form if form.errors else LinkForm(), 400 if form.errors else 200
    )


@require_POST
@login_required_htmx
def delete_link(request, pk, link_pk):
    topic = default_tree().topic(pk)
    if not notes.delete_link(request.user, pk, link_pk):
        raise Http404("No such link of yours.")
    return _links_answer(request, topic, LinkForm(), 200)


def _links_answer(request, topic, form, status):
    if not request.htmx:
        return redirect(_topic_url(topic, f"links-{topic.pk}"))
    context = {"topic": topic, "mine": notes.of_topic(request.user, topic.pk), "link_form": form}
    html = render_to_string(f"{NOTES}#links", context, request=request)
    return HttpResponse(html, status=status)
