"""A learner's learning plan: the hours a week they can give, and from when."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tracker.content.tree import default_tree
from tracker.progress import plans
from tracker.progress.forms import LearningPlanForm
from tracker.progress.loader import load_progress
from tracker.views.decorators import login_required_htmx


@require_http_methods(["GET", "POST"])
@login_required_htmx
def edit_plan(request):
    # The defaults depend on the roadmap's hours and the learner's first tick.
    progress = load_progress(default_tree(), request.user, editable=True, times=True)
    today = timezone.localdate()
    plan = plans.learning_plan(progress, today)
    if request.method == "GET":
        initial = {"hours_per_week": plan.hours_per_week, "start_date": plan.start_date}
        form = LearningPlanForm(initial=initial, plan=plan, today=today)
        return _plan_page(request, form, plan)
    form = LearningPlanForm(request.POST, plan=plan, today=today)
    if not form.is_valid():
        return _plan_page(request, form, plan, status=400)
    plans.save_plan(request.user, progress.roadmap, **form.cleaned_data)
    hours = form.cleaned_data["hours_per_week"]
    messages.success(request, f"Plan saved: {hours} hour{'s' if hours != 1 else ''} a week.")
    return redirect("tracker:home")


def _plan_page(request, form, plan, status=200):
    context = {"form": form, "plan": plan}
    return TemplateResponse(request, "tracker/plan.html", context, status=status)
