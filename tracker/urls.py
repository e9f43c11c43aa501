from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("", views.roadmap, name="roadmap"),
    path("phases/<slug:slug>/", views.phase_detail, name="phase"),
    path("home/", views.home, name="home"),
    path("progress/subtopics/<int:pk>/", views.mark_subtopic, name="mark_subtopic"),
    path("progress/topics/<int:pk>/", views.mark_topic, name="mark_topic"),
    path("progress/reset/", views.reset_progress, name="reset_progress"),
]
