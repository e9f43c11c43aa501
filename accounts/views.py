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

from accounts import badge_cache, badges, profiles
from accounts.forms import USERNAME_TAKEN, DeleteAccountForm, ProfileSettingsForm
from tracker.content.queries import default_roadmap
from tracker.progress import activity, stamping
from tracker.progress.loader import learner_progress, overall_counts
from tracker.views import page_memo
from tracker.views.page_memo import fingerprint


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
    progress = learner_progress(learner, times=True)
    profile = profiles.profile_of(learner)
    today = timezone.localdate()

    def build_page():
        context = {
            "learner": learner,
            "profile": profile,
            "is_owner": request.user == learner,
            "progress": progress,
            "since": progress.learning_since(),
            "activity": activity.build(progress.completion_days(), today),
            **profiles.share_links(request, username),
        }
        pieces = {
            "outline": stamping.outline(progress),
            "phases_summary": stamping.phases_summary(progress),
        }
        return stamping.page(request, "accounts/public_page.html", context, **pieces)

    inputs = (fingerprint(learner), fingerprint(profile), progress.state, today)
    return page_memo.respond(request, inputs, build_page)


@require_safe
def badge(request, username):
    # Never touches request.user, so no session lookup: a stored badge costs
    # one cache lookup, a fresh one three queries more and a cache write.
    theme = badges.theme_name(request.GET.get("theme"))
    svg = badge_cache.get(username, theme)
    if svg is None:
        svg = _render_badge(username, theme)
        badge_cache.store(username, theme, svg)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=badge_cache.BADGE_MAX_AGE)
    return response


def _render_badge(username, theme):
    # One query for the learner, one for the roadmap, one for the progress.
    learner = profiles.public_learner(username)
    if learner is None:
        # Not stored: a page made public shows its badge at once.
        raise Http404("No public progress page here.")
    roadmap = default_roadmap()
    percent = overall_counts(roadmap, learner).percent
    context = {
        "badge": badges.progress_badge(roadmap.title, percent, theme),
        "name": profiles.profile_of(learner).name,
        "roadmap": roadmap,
    }
    return render_to_string("accounts/badge.svg", context).encode()


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Cascades to the learner's progress, profile and e-mail addresses.
            request.user.delete()
            badge_cache.forget(request.user.get_username())
        logout(request)
        messages.success(request, "Your account and all your progress have been deleted.")
        return redirect("tracker:roadmap")
    status = 400 if form.errors else 200
    return render(request, "accounts/delete_account.html", {"form": form}, status=status)
