from django import forms

from tracker.content.markdown import RoadmapFormatError, decode_roadmap_bytes, parse_roadmap
from tracker.content.mojibake import repair
from tracker.progress.status import Status

RESET_PHRASE = "reset my progress"


class SubtopicStatusForm(forms.Form):
    # A checkbox form posts a hidden "pending" then, when ticked, "done":
    # QueryDict.get returns the last value, which is the learner's intent.
    status = forms.TypedChoiceField(choices=Status.choices, coerce=Status)


class TopicStatusForm(forms.Form):
    # A whole topic is marked done at once, or reset to not started.
    status = forms.TypedChoiceField(
        choices=[(status.value, status.label) for status in (Status.DONE, Status.PENDING)],
        coerce=Status,
    )


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
