from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/profile/", views.profile_settings, name="settings"),
    path("settings/delete-account/", views.delete_account, name="delete"),
    path("u/<str:username>/", views.public_page, name="public"),
    path("u/<str:username>/badge.svg", views.badge, name="badge"),
]
