from django import forms

from tracker.progress import DONE, LEARNING, PENDING, SKIPPED

RESET_PHRASE = "reset my progress"


class SubtopicStatusForm(forms.Form):
    # A checkbox form posts a hidden "pending" then, when ticked, "done":
    # QueryDict.get returns the last value, which is the learner's intent.
    status = forms.ChoiceField(
        choices=[(DONE, "Done"), (LEARNING, "Learning"), (SKIPPED, "Skipped"), (PENDING, "Pending")]
    )


class TopicStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(DONE, "All done"), (PENDING, "Reset")])


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
