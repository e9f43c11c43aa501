"""The admin's view of learners' progress rows."""

from django.contrib import admin

from tracker.progress.models import LearningPlan, Progress


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    """Learners write progress by ticking; staff mostly read it and fix the odd row."""

    list_display = ["user", "subtopic", "status", "updated_at", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["user", "subtopic"]
    search_fields = ["user__username", "subtopic__title"]
    autocomplete_fields = ["user", "subtopic"]
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at", "completed_at"]

    def get_readonly_fields(self, request, obj=None):
        # A row belongs to one learner and one item; only its status may change.
        if obj is not None:
            return ["user", "subtopic", *self.readonly_fields]
        return self.readonly_fields


@admin.register(LearningPlan)
class LearningPlanAdmin(admin.ModelAdmin):
    """Learners set their own plans; staff may look one up when helping someone."""

    list_display = ["user", "roadmap", "hours_per_week", "start_date"]
    list_select_related = ["user", "roadmap"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
