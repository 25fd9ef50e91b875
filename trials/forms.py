import re

from django import forms
from django.core.exceptions import ValidationError

from trials.models import NCT_ID, Phase, Trial
from trials.registry import TrialImportError, studies_from_json

STD_AGES = [("CHILD", "Child (birth to 17)"), ("ADULT", "Adult (18 to 64)"),
            ("OLDER_ADULT", "Older adult (65 and over)")]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class TrialAdminForm(forms.ModelForm):
    phases = forms.MultipleChoiceField(
        choices=Phase.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="A phase 2/3 trial has both phases ticked.",
    )
    std_ages = forms.MultipleChoiceField(
        label="Standard age groups", choices=STD_AGES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Trial
        fields = ["phases", "std_ages"]  # the admin's fieldsets add the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["phases"] = self.instance.phase_list
            self.initial["std_ages"] = [a for a in self.instance.std_ages.split(",") if a]

    def clean_phases(self):
        order = Phase.values
        return ",".join(sorted(self.cleaned_data["phases"], key=order.index))

    def clean_std_ages(self):
        return ",".join(self.cleaned_data["std_ages"])


class TrialImportForm(forms.Form):
    nct_ids = forms.CharField(
        label="NCT numbers", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or more, separated by spaces, commas or new lines, e.g. NCT03281889.",
    )
    file = forms.FileField(
        label="Or a saved response", required=False,
        help_text="A JSON file saved from the ClinicalTrials.gov API v2: one study, or a page "
                  'of studies ({"studies": [...]}).',
    )

    def clean_nct_ids(self):
        ids = [part.upper() for part in re.split(r"[\s,;]+", self.cleaned_data["nct_ids"]) if part]
        wrong = [part for part in ids if not NCT_ID.regex.match(part)]
        if wrong:
            raise ValidationError(
                f"Not an NCT number: {', '.join(wrong[:5])}. Use NCT followed by 8 digits."
            )
        if len(ids) > 50:
            raise ValidationError("Import at most 50 NCT numbers at a time.")
        return list(dict.fromkeys(ids))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("This file is larger than 20 MB.")
        try:
            return studies_from_json(upload.read())
        except TrialImportError as error:
            raise ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("nct_ids") and not cleaned.get("file"):
            raise ValidationError("Enter at least one NCT number, or choose a file.")
        return cleaned
