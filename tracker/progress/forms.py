from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.formats import date_format

from tracker.content.markdown import RoadmapFormatError, decode_roadmap_bytes, parse_roadmap
from tracker.content.models import http_url
from tracker.content.mojibake import repair
from tracker.progress import search
from tracker.progress.models import NOTE_MAX_CHARS, Link
from tracker.progress.pace import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from tracker.progress.status import Status

RESET_PHRASE = "reset my progress"


class SubtopicStatusForm(forms.Form):
    """`status`: the state to set an item to, as cleaned_data["status"] (a Status).

    Checked in clean() rather than by a ChoiceField: a form copies its
    declared fields for each instance, a tenth of the Python a tick runs.
    """

    def clean(self):
        # A checkbox form posts a hidden "pending" then, when ticked, "done":
        # QueryDict.get returns the last value, which is the learner's intent.
        self.cleaned_data["status"] = _status(self.data.get("status", ""), Status)
        return self.cleaned_data


class TopicStatusForm(forms.Form):
    # A whole topic is marked done at once, or reset to not started.
    status = forms.TypedChoiceField(
        choices=[(status.value, status.label) for status in (Status.DONE, Status.PENDING)],
        coerce=Status,
    )


class OutlineMarkForm(forms.Form):
    """The outline's one form (templates/tracker/components/outline.html): the
    button pressed says what to write, so items need no form of their own.

    `mark` is "<subtopic pk>:<status>", `mark_topic` "<topic pk>:done" or
    ":pending", `mark_section` and `mark_phase` "<pk>:done", ":learning" or
    ":pending" (every item of a section or phase; `confirm` "1" once the
    learner has agreed to change the states they had set); `save` (the
    no-JavaScript button of a topic's guide) is a topic's pk and
    `save_section` (the outline's, one per section) a section's, with `done`
    the pks of the items ticked on the page.
    cleaned_data gets `command`: ("subtopic" | "topic" | "section" | "phase" |
    "save" | "save_section", pk, Status or the set of ticked pks), or
    ("stay", None, None): nothing to write; and `confirmed`, a bool.
    """

    # "stay" is the form's hidden default button, which Enter in a checkbox presses.
    COMMANDS = {
        "mark": "subtopic",
        "mark_topic": "topic",
        "mark_section": "section",
        "mark_phase": "phase",
        "save": "save",
        "save_section": "save_section",
        "stay": "stay",
    }
    STATUSES = {
        "mark": Status,
        "mark_topic": (Status.DONE, Status.PENDING),
        # Skipping is an item's own decision, never a whole group's.
        "mark_section": (Status.DONE, Status.LEARNING, Status.PENDING),
        "mark_phase": (Status.DONE, Status.LEARNING, Status.PENDING),
    }

    def clean(self):
        pressed = [name for name in self.COMMANDS if self.data.get(name)]
        if len(pressed) != 1:
            raise forms.ValidationError(
                "Send one of mark, mark_topic, mark_section, mark_phase, save or save_section."
            )
        name = pressed[0]
        value = self.data[name]
        self.cleaned_data["confirmed"] = self.data.get("confirm") == "1"
        if name == "stay":
            self.cleaned_data["command"] = ("stay", None, None)
            return self.cleaned_data
        if name in ("save", "save_section"):
            pk, ticked = _pk(value), {_pk(done) for done in self.data.getlist("done")}
            self.cleaned_data["command"] = (name, pk, ticked)
            return self.cleaned_data
        pk, _, word = value.partition(":")
        status = _status(word, self.STATUSES[name])
        self.cleaned_data["command"] = (self.COMMANDS[name], _pk(pk), status)
        return self.cleaned_data


def _pk(value):
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise forms.ValidationError(f"{value[:20]!r} is not an item number.")
    return int(value)


def _status(word, allowed):
    if word not in [status.value for status in allowed]:
        raise forms.ValidationError(f"{word[:20]!r} is not a state that can be set here.")
    return Status(word)


class RoadmapSearchForm(forms.Form):
    """The roadmap page's search and filter, from its address (a GET form);
    cleaned_data["criteria"] is a search.Criteria."""

    q = forms.CharField(
        max_length=search.MAX_QUERY_CHARS,
        required=False,
        error_messages={
            "max_length": f"Search for at most {search.MAX_QUERY_CHARS} characters.",
        },
    )
    show = forms.ChoiceField(
        choices=search.SHOW_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": "Show one of: "
            + ", ".join(label.lower() for _, label in search.SHOW_CHOICES)
            + "."
        },
    )

    def clean(self):
        if not self.errors:
            show = self.cleaned_data["show"] or search.EVERYTHING
            self.cleaned_data["criteria"] = search.Criteria(self.cleaned_data["q"], show)
        return self.cleaned_data


class ResetProgressForm(forms.Form):
    confirm = forms.CharField(
        label=f'Type "{RESET_PHRASE}" to confirm',
        max_length=100,
        strip=True,
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"]
        if value.lower() != RESET_PHRASE:
            raise forms.ValidationError(f'Type exactly "{RESET_PHRASE}" to reset your progress.')
        return value


MAX_IMPORT_BYTES = 256 * 1024


class ProgressImportForm(forms.Form):
    """A progress export to read back; cleaned_data["file"] is the parsed roadmap."""

    file = forms.FileField(
        label="Progress file (Markdown)",
        help_text="A .md file exported from this site, 256 KB at most.",
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known from the upload before any of it is read.
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {-(-upload.size // 1024)} KB; "
                f"the limit is {MAX_IMPORT_BYTES // 1024} KB."
            )
        try:
            return parse_roadmap(repair(decode_roadmap_bytes(upload.read(MAX_IMPORT_BYTES))))
        except RoadmapFormatError as error:
            raise forms.ValidationError(f"The file cannot be imported: {error}.") from None


HOURS_PER_WEEK_RANGE = (
    f"Enter a whole number of hours from {MIN_HOURS_PER_WEEK} to {MAX_HOURS_PER_WEEK}."
)


class LearningPlanForm(forms.Form):
    """Hours per week and a start date; the view saves them (tracker.progress.plans)."""

    # A start date this far from today is a typing slip, not a plan.
    MAX_YEARS_AWAY = 10

    hours_per_week = forms.IntegerField(
        label="Hours per week",
        min_value=MIN_HOURS_PER_WEEK,
        max_value=MAX_HOURS_PER_WEEK,
        error_messages={
            "required": "Enter the hours you can give each week.",
            "invalid": HOURS_PER_WEEK_RANGE,
            "min_value": HOURS_PER_WEEK_RANGE,
            "max_value": HOURS_PER_WEEK_RANGE,
        },
    )
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2026-03-01 (year, month, day)."},
    )

    def __init__(self, *args, plan, today, **kwargs):
        """`plan` is the learner's tracker.progress.plans.PlanSettings: the
        help texts name the defaults a learner gets by leaving things be."""
        self.today = today
        super().__init__(*args, **kwargs)
        finishes = (
            f", which finishes the roadmap’s {plan.total_hours} hours in its {plan.duration}"
            if plan.target_days
            else ""
        )
        self.fields["hours_per_week"].help_text = (
            f"From {MIN_HOURS_PER_WEEK} to {MAX_HOURS_PER_WEEK}. "
            f"The default is {plan.default_hours_per_week}{finishes}."
        )
        first_tick = (
            f", {date_format(plan.first_tick, 'j F Y')}"
            if plan.first_tick
            else " (there is none yet, so from today)"
        )
        self.fields[
            "start_date"
        ].help_text = f"Leave it empty to count from your first tick{first_tick}."

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start is not None and abs(start.year - self.today.year) > self.MAX_YEARS_AWAY:
            raise forms.ValidationError(
                f"Choose a start date within {self.MAX_YEARS_AWAY} years of today."
            )
        return start


class NoteForm(forms.Form):
    """A note's text and the revision the learner was editing (0: a new note)."""

    body = forms.CharField(
        label="Your notes",
        required=False,
        strip=False,
        # A validator, not max_length: that would give the box a maxlength,
        # and a browser cuts a paste short there without a word.
        validators=[
            MaxLengthValidator(
                NOTE_MAX_CHARS,
                "Your note is %(show_value)s characters long; the limit is %(limit_value)s. "
                "Nothing was saved: shorten it and save again.",
            )
        ],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"Private to you, in Markdown, {NOTE_MAX_CHARS:,} characters at most. "
            "Saved when you leave the box or press Ctrl+Enter (⌘+Enter on a Mac)."
        ),
    )
    revision = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)


class LinkForm(forms.Form):
    """One of the learner's own resources on a topic."""

    title = forms.CharField(label="Title", max_length=200)
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        validators=[http_url],
        error_messages={"invalid": "Enter a web address starting with http:// or https://."},
    )
    kind = forms.ChoiceField(label="Kind", choices=Link.Kind.choices, initial=Link.Kind.ARTICLE)
