from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from accounts import badges, profiles
from accounts.forms import USERNAME_TAKEN, DeleteAccountForm, ProfileSettingsForm
from tracker.content.queries import default_roadmap
from tracker.progress import activity
from tracker.progress.loader import load_progress, overall_counts

BADGE_MAX_AGE = 300  # seconds: a change of progress or visibility shows within minutes


@require_http_methods(["GET", "POST"])
@login_required
def profile_settings(request):
    profile = profiles.profile_of(request.user)
    form = ProfileSettingsForm(request.POST or None, user=request.user, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except IntegrityError:  # the name was taken between validation and save
            form.add_error("username", USERNAME_TAKEN)
        else:
            messages.success(request, "Your profile settings are saved.")
            return redirect("accounts:settings")
    context = {
        "form": form,
        "profile": profile,
        **profiles.share_links(request, request.user.get_username()),
    }
    return render(request, "accounts/settings.html", context, status=400 if form.errors else 200)


@require_safe
def public_page(request, username):
    learner = profiles.page_learner(request.user, username)
    if learner is None:
        raise Http404("No public progress page here.")
    # Read-only even for the owner: the page shows what everyone else sees.
    progress = load_progress(default_roadmap(), learner)
    context = {
        "learner": learner,
        "profile": profiles.profile_of(learner),
        "is_owner": request.user == learner,
        "progress": progress,
        "since": progress.learning_since(),
        "activity": activity.build(progress.completion_days(), timezone.localdate()),
        **profiles.share_links(request, username),
    }
    return render(request, "accounts/public_page.html", context)


@require_safe
def badge(request, username):
    # Never touches request.user: one query for the learner, one for the
    # roadmap, one for the progress, and no session lookup.
    learner = profiles.public_learner(username)
    if learner is None:
        raise Http404("No public progress page here.")
    roadmap = default_roadmap()
    percent = overall_counts(roadmap, learner).percent
    context = {
        "badge": badges.progress_badge(roadmap.title, percent, request.GET.get("theme", "light")),
        "name": profiles.profile_of(learner).name,
        "roadmap": roadmap,
    }
    response = HttpResponse(
        render_to_string("accounts/badge.svg", context),
        content_type="image/svg+xml; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Cascades to the learner's progress, profile and e-mail addresses.
            request.user.delete()
        logout(request)
        messages.success(request, "Your account and all your progress have been deleted.")
        return redirect("tracker:roadmap")
    status = 400 if form.errors else 200
    return render(request, "accounts/delete_account.html", {"form": form}, status=status)
