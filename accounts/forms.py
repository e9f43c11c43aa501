from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import badge_cache
from accounts.models import Profile
from accounts.validators import USERNAME_MAX_LENGTH, username_validators

User = get_user_model()

# The same words as allauth's sign-up form and the User model, for one message.
USERNAME_TAKEN = User._meta.get_field("username").error_messages["unique"]


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, its field named for what it accepts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"


class ProfileSettingsForm(forms.Form):
    username = forms.CharField(
        max_length=USERNAME_MAX_LENGTH,
        help_text="Letters, digits, hyphens (-) and underscores (_). "
        "Your public page lives at /u/<username>/.",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        max_length=Profile._meta.get_field("display_name").max_length,
        required=False,
        help_text="Shown on your public page. Leave it empty to show your username.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    visibility = forms.ChoiceField(
        choices=[
            ("private", "Private: only you can see your progress page"),
            ("public", "Public: anyone with the link can see your progress page"),
        ],
        widget=forms.RadioSelect,
    )
    keyboard_shortcuts = forms.BooleanField(
        label="Keyboard shortcuts",
        required=False,
        help_text="Single keys (d, l, s, r, n, p, / and ?) mark and move between items "
        "on the roadmap and topic pages. Turn them off if they get in the way of your "
        "screen reader or other tools.",
    )

    def __init__(self, *args, user, profile, **kwargs):
        self.user = user
        initial = {
            "username": user.get_username(),
            "display_name": profile.display_name,
            "visibility": "public" if profile.is_public else "private",
            "keyboard_shortcuts": profile.keyboard_shortcuts,
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username == self.user.get_username():
            # Names from before these rules (a createsuperuser "admin") stay
            # until their owner changes them.
            return username
        for validate in username_validators:
            validate(username)
        taken = User.objects.filter(username__iexact=username).exclude(pk=self.user.pk)
        if taken.exists():
            raise ValidationError(USERNAME_TAKEN, code="unique")
        return username

    @transaction.atomic
    def save(self):
        """Store the settings; a username taken meanwhile raises IntegrityError."""
        username = self.cleaned_data["username"]
        User.objects.filter(pk=self.user.pk).update(username=username)
        profile, _ = Profile.objects.update_or_create(
            user=self.user,
            defaults={
                "display_name": self.cleaned_data["display_name"],
                "is_public": self.cleaned_data["visibility"] == "public",
                "keyboard_shortcuts": self.cleaned_data["keyboard_shortcuts"],
            },
        )
        # The badge shows the name and exists only while the page is public:
        # whatever changed, the stored ones under the old and new name go.
        badge_cache.forget(self.user.get_username(), username)
        self.user.username = username
        return profile


class DeleteAccountForm(forms.Form):
    confirmation = forms.CharField(
        label="Type your username to confirm",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirmation(self):
        if self.cleaned_data["confirmation"] != self.user.get_username():
            raise ValidationError(
                "That is not your username. Type it exactly as shown to confirm.",
                code="mismatch",
            )
        return self.cleaned_data["confirmation"]
