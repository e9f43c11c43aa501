"""Writing a learner's marks: one item, a whole topic, or everything.

Each write stores the explicit state that was posted. Without JavaScript it
redirects back to the item (POST/redirect/GET); with htmx it answers with one
fragment, tracker/components/outline.html#marked, which decides what travels
with it out of band.

The outline posts one form for all its items (`mark`, through
OutlineMarkForm); `mark_subtopic` and `mark_topic` take the same writes at
an item's or a topic's own URL. A whole section or phase is written the same
way, after the learner confirms when it would change more than
MAX_UNCONFIRMED states they had set.
"""

import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from tracker.content.queries import default_roadmap
from tracker.content.tree import default_tree, last_seen_tree
from tracker.progress import marking, stamping
from tracker.progress.forms import (
    OutlineMarkForm,
    ResetProgressForm,
    SubtopicStatusForm,
    TopicStatusForm,
)
from tracker.progress.loader import load_progress, progress_of_statuses
from tracker.progress.status import Status
from tracker.views.decorators import current_path, login_required_htmx

# The ids of items shown in a topic's guide start with this (outline.html#item).
GUIDE_PREFIX = stamping.GUIDE_PREFIX
SAFE_FRAGMENT = re.compile(r"[a-z][a-z0-9-]{0,60}")
# Marking a section or phase goes straight through when it changes at most
# this many states the learner had set; past it, they are asked first.
MAX_UNCONFIRMED = 10
GROUPS = ("section", "phase")
CONFIRM_PAGE = "tracker/mark_confirm.html"


def _next_url(request):
    """Where the page that posted lives, so no-JS posts return to it."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("#")[0]
    return reverse("tracker:roadmap")


def _invalid(form):
    problems = "; ".join(
        " ".join(errors) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )
    return HttpResponseBadRequest(f"Invalid request. {problems}", content_type="text/plain")


def _done(request, tree, kind, node, status, rows=None):
    """Answer a write: back to the page without JavaScript, a fragment with htmx.

    `rows`: the learner's statuses as the write read them back, if it did.
    """
    if not request.htmx:
        return redirect(f"{_next_url(request)}#{_anchor(request, node)}")
    return _answer(request, tree, kind, node, status, rows)


def _anchor(request, node):
    """Where on the page to land: the posting page names its own item (a topic's
    guide prefixes its ids), else the item's id in the outline."""
    fragment = request.POST.get("next", "").partition("#")[2]
    if SAFE_FRAGMENT.fullmatch(fragment):
        return fragment
    prefix = request.POST.get("prefix", "")
    return f"{GUIDE_PREFIX if prefix == GUIDE_PREFIX else ''}{node.anchor}"


def _answer(request, tree, kind, node, status, rows):
    """The htmx answer, read back after the write: what the database now holds."""
    if rows is None:
        progress = load_progress(tree, request.user, editable=True)
    else:
        progress = progress_of_statuses(tree, request.user, rows, editable=True)
    if kind == "subtopic":
        return stamping.answer(request, progress, status=status, subtopic=node)
    return stamping.answer(request, progress, status=status, topic=node)


def _write(request, kind, pk, status, *, confirmed=False):
    """Store one command for the signed-in learner (only ever their own rows)."""
    if kind == "stay":  # Enter in a checkbox without JavaScript: back, unchanged
        return redirect(_next_url(request))
    if kind == "subtopic":
        return _write_item(request, pk, status)
    if kind in GROUPS:
        return _write_group(request, kind, pk, status, confirmed)
    tree = default_tree()
    if kind == "topic":
        node = tree.topic(pk)
        changes = [(subtopic.pk, status) for subtopic in tree.subtopics_of[node.pk]]
        marking.apply_statuses(request.user, changes)
    else:  # the no-JavaScript checkboxes of one topic's guide ("save") or outline section
        if kind == "save":
            node = tree.topic(pk)
            items = tree.subtopics_of[node.pk]
        else:
            node = tree.section(pk)
            items = [
                item for topic in tree.topics_of[node.pk] for item in tree.subtopics_of[topic.pk]
            ]
        current = load_progress(tree, request.user)
        marking.apply_statuses(request.user, _ticked(items, current, status))
        if kind == "save_section":
            # Only a page without JavaScript has this button; were htmx to send it,
            # the whole page reloads, since any of the section's items may have changed.
            if request.htmx:
                return HttpResponseClientRefresh()
            return redirect(f"{_next_url(request)}#{_anchor(request, node)}")
        kind, status = "topic", None
    return _done(request, tree, kind, node, status)


def _write_item(request, pk, status):
    """A tick: the write, the version and the learner's rows in one statement.

    The item is looked up in the tree this process last knew, with no query
    of its own; the version the write read back says whether that tree was
    current, and if not the answer is drawn from the current one. An item
    new since that tree was built is looked up in the current one first.
    """
    known = last_seen_tree()
    if known is None or pk not in known.subtopic_pks:
        known = default_tree()
    known.subtopic(pk)  # a 404 for an item that is not on the roadmap
    token, rows = marking.set_subtopic_status(request.user, pk, status)
    tree = known if token == known.token else default_tree(token=token)
    return _done(request, tree, "subtopic", tree.subtopic(pk), status, rows)


def _write_group(request, kind, pk, status, confirmed):
    """Every item of a section or phase in `status`, in one transaction.

    The learner's rows are read first, to count the states it would change;
    past MAX_UNCONFIRMED, and unless `confirmed`, nothing is written and the
    learner is asked. With htmx the answer is the group's phase as it now
    stands (its sections' and its own counters in it) and the overall counter.
    """
    tree = default_tree()
    node = tree.section(pk) if kind == "section" else tree.phase_by_pk(pk)
    items = [item_pk for item_pk, _ in tree.levels[(kind, node.pk)]]
    changed = _changed_states(items, load_progress(tree, request.user), status)
    if sum(changed.values()) > MAX_UNCONFIRMED and not confirmed:
        return _confirm(request, kind, node, status, changed)
    marking.apply_statuses(request.user, [(item_pk, status) for item_pk in items])
    if not request.htmx:
        return redirect(f"{_next_url(request)}#{_anchor(request, node)}")
    phase = node if kind == "phase" else tree.phase_by_pk(node.phase_id)
    shown_alone = _posted_from(request) == reverse("tracker:phase", args=[phase.slug])
    progress = load_progress(tree, request.user, editable=True)
    return stamping.answer_group(
        progress, phase=phase, group=node, kind=kind, status=status, single_phase=shown_alone
    )


def _changed_states(items, current, status):
    """The states among `items` that setting them all to `status` would
    change: {state: how many items}. Items not started change nothing the
    learner had set, and neither do those already in `status`."""
    changed = {}
    for item_pk in items:
        row = current.rows.get(item_pk)
        if row and row[0] != status:
            changed[row[0]] = changed.get(row[0], 0) + 1
    return changed


def _posted_from(request):
    """The path of the page an htmx request came from, without its query."""
    return (current_path(request) or "").partition("?")[0]


def _confirm(request, kind, node, status, changed):
    """Ask before overwriting: a page of its own without JavaScript, with htmx
    the same form in the page's dialog (static/js/marks.js opens it)."""
    context = {
        "kind": kind,
        "group": node,
        "status": status,
        "command": f"mark_{kind}",
        "value": f"{node.pk}:{status.value}",
        "changed": sum(changed.values()),
        "states": sorted(changed.items(), key=lambda pair: list(Status).index(pair[0])),
        # With htmx, the page's address as it is (its query keeps what is folded).
        "next": (current_path(request) or "") if request.htmx else _next_url(request),
        "anchor": node.anchor,
    }
    if not request.htmx:
        return TemplateResponse(request, CONFIRM_PAGE, context)
    response = TemplateResponse(request, f"{CONFIRM_PAGE}#confirm", {**context, "in_dialog": True})
    return reswap(retarget(response, "#bulk-confirm"), "innerHTML")


def _ticked(items, current, ticked):
    """Checkboxes of `items` as posted: ticked is done, unticked undoes a done,
    and an unticked item that is learning or skipped stays so."""
    changes = []
    for subtopic in items:
        if subtopic.pk in ticked:
            changes.append((subtopic.pk, Status.DONE))
        elif current.status(subtopic.pk) == Status.DONE:
            changes.append((subtopic.pk, Status.PENDING))
    return changes


@require_POST
@login_required_htmx
def mark(request):
    form = OutlineMarkForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    return _write(request, *form.cleaned_data["command"], confirmed=form.cleaned_data["confirmed"])


@require_POST
@login_required_htmx
def mark_subtopic(request, pk):
    form = SubtopicStatusForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    return _write(request, "subtopic", pk, form.cleaned_data["status"])


@require_POST
@login_required_htmx
def mark_topic(request, pk):
    form = TopicStatusForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    return _write(request, "topic", pk, form.cleaned_data["status"])


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
