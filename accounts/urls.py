from django.urls import path, register_converter

from accounts import views


class UsernameConverter:
    """What a username can hold: Django's own rule (letters, digits and @.+-_),
    a superset of the sign-up rule, so accounts made with createsuperuser
    still have a page. Anything else (a NUL byte, which PostgreSQL cannot
    even compare) names no account and is a 404 before any query."""

    regex = r"[\w.@+-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")

app_name = "accounts"

urlpatterns = [
    path("settings/profile/", views.profile_settings, name="settings"),
    path("settings/delete-account/", views.delete_account, name="delete"),
    path("u/<username:username>/", views.public_page, name="public"),
    path("u/<username:username>/badge.svg", views.badge, name="badge"),
]
