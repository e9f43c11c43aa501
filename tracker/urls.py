from django.urls import path

from tracker.views import data, marks, notes, pages, plan

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
    path("notes/<int:pk>/", notes.save_note, name="save_note"),
    path("notes/<int:pk>/links/", notes.add_link, name="add_link"),
    path("notes/<int:pk>/links/<int:link_pk>/delete/", notes.delete_link, name="delete_link"),
    path("progress/reset/", marks.reset_progress, name="reset_progress"),
    path("progress/export.md", data.export_markdown, name="export_markdown"),
    path("progress/export.json", data.export_json, name="export_json"),
    path("progress/import/", data.import_progress, name="import_progress"),
    path("progress/import/confirm/", data.confirm_import, name="confirm_import"),
]
