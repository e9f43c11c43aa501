from django.urls import path

from tracker import data_views, views

app_name = "tracker"

urlpatterns = [
    path("", views.roadmap, name="roadmap"),
    path("phases/<slug:slug>/", views.phase_detail, name="phase"),
    path("home/", views.home, name="home"),
    path("progress/subtopics/<int:pk>/", views.mark_subtopic, name="mark_subtopic"),
    path("progress/topics/<int:pk>/", views.mark_topic, name="mark_topic"),
    path("progress/reset/", views.reset_progress, name="reset_progress"),
    path("progress/export.md", data_views.export_markdown, name="export_markdown"),
    path("progress/export.json", data_views.export_json, name="export_json"),
    path("progress/import/", data_views.import_progress, name="import_progress"),
    path("progress/import/confirm/", data_views.confirm_import, name="confirm_import"),
]
