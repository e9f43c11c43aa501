from django.urls import path

from tracker.views import data, marks, pages, plan

app_name = "tracker"

urlpatterns = [
    path("", pages.roadmap, name="roadmap"),
    path("phases/<slug:slug>/", pages.phase_detail, name="phase"),
    path("home/", pages.home, name="home"),
    path("plan/", plan.edit_plan, name="plan"),
    path("topics/<slug:phase>/<slug:section>/<slug:topic>/", pages.topic_detail, name="topic"),
    path("progress/", marks.mark, name="mark"),
    path("progress/subtopics/<int:pk>/", marks.mark_subtopic, name="mark_subtopic"),
    path("progress/topics/<int:pk>/", marks.mark_topic, name="mark_topic"),
    path("progress/reset/", marks.reset_progress, name="reset_progress"),
    path("progress/export.md", data.export_markdown, name="export_markdown"),
    path("progress/export.json", data.export_json, name="export_json"),
    path("progress/import/", data.import_progress, name="import_progress"),
    path("progress/import/confirm/", data.confirm_import, name="confirm_import"),
]
