"""A learner's own data: download their progress, and read an export back in.

The import is two steps. The upload only computes a preview; the change it
would make waits in the session under a one-time token until the learner
confirms, so nothing is written from a file the learner has not seen the
effect of, and a resubmitted confirm form cannot apply it twice.
"""

import secrets

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.crypto import constant_time_compare
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tracker.content.tree import default_tree
from tracker.progress import export as progress_export
from tracker.progress import importing as progress_import
from tracker.progress.forms import ProgressImportForm
from tracker.views.decorators import login_required_htmx

SESSION_KEY = "progress_import"
IMPORT_PAGE = "tracker/import.html"
EXPIRED = "This preview has expired or was already applied. Upload the file again."
NOTHING_MATCHES = (
    "Nothing in this file matches the roadmap. Is it a progress file exported from this site?"
)


def _download(request, extension, respond):
    """The learner's progress as a file: `respond` turns the snapshot into a response."""
    snap = progress_export.snapshot(request.user, default_tree())
    response = respond(snap)
    filename = progress_export.filename(snap, extension)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _markdown_response(snap):
    return HttpResponse(
        progress_export.to_markdown(snap), content_type="text/markdown; charset=utf-8"
    )


def _json_response(snap):
    return JsonResponse(
        progress_export.to_json(snap), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )


@require_safe
@login_required_htmx
@never_cache
def export_markdown(request):
    return _download(request, "md", _markdown_response)


@require_safe
@login_required_htmx
@never_cache
def export_json(request):
    return _download(request, "json", _json_response)


def _import_page(request, form, status=200, error=""):
    return render(request, IMPORT_PAGE, {"form": form, "error": error}, status=status)


@require_http_methods(["GET", "POST"])
@login_required_htmx
def import_progress(request):
    if request.method == "GET":
        return _import_page(request, ProgressImportForm())
    form = ProgressImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    tree = default_tree()
    roadmap = tree.roadmap
    plan = progress_import.load_plan(request.user, tree, form.cleaned_data["file"])
    if not plan.matched:
        form.add_error("file", NOTHING_MATCHES)
        return _import_page(request, form, status=400)
    token = None
    request.session.pop(SESSION_KEY, None)
    if plan.size:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "roadmap": roadmap.pk,
            "changes": plan.pairs(),
            "notes": plan.kept_notes(),
            "links": plan.kept_links(),
        }
    context = {"roadmap": roadmap, "plan": plan, "groups": plan.groups(), "token": token}
    return render(request, "tracker/import_preview.html", context)


@require_POST
@login_required_htmx
def confirm_import(request):
    roadmap = default_tree().roadmap
    pending = request.session.get(SESSION_KEY)
    if (
        not pending
        or pending["roadmap"] != roadmap.pk
        or not constant_time_compare(request.POST.get("token", ""), pending["token"])
    ):
        return _import_page(request, ProgressImportForm(), status=400, error=EXPIRED)
    # A replayed form finds nothing. Two submits racing each other would both
    # apply the same explicit states, which ends where one would.
    del request.session[SESSION_KEY]
    applied = progress_import.apply_changes(
        request.user, roadmap, pending["changes"], pending["notes"], pending["links"]
    )
    messages.success(request, f"Progress imported: {applied} change{pluralize(applied)} applied.")
    return redirect("tracker:home")
