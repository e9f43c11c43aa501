from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts import badge_cache

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class LearnerAdmin(UserAdmin):
    """Django's user admin, which also drops a learner's stored badges.

    Staff can rename, deactivate or delete a learner here, and each of those
    must take the badge down at once, as the profile settings page does.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            badge_cache.forget(form.initial.get("username"), obj.get_username())

    def delete_model(self, request, obj):
        username = obj.get_username()
        super().delete_model(request, obj)
        badge_cache.forget(username)

    def delete_queryset(self, request, queryset):
        usernames = list(queryset.values_list(User.USERNAME_FIELD, flat=True))
        super().delete_queryset(request, queryset)
        badge_cache.forget(*usernames)
