import json
import re

from django import forms
from django.core.exceptions import ValidationError

from trials.mapping import study_label, study_rows
from trials.models import Phase, StdAge, Trial, is_nct_id
from trials.registry import TrialImportError, studies_from_json

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What one import job may hold. A task worker runs it, not the web request, but a job is still
# bounded; the import_trials command has no limit.
MAX_STUDIES_PER_JOB = 2_000
MAX_ROWS_PER_JOB = 200_000  # outcomes, interventions, contacts and registry locations


class TrialAdminForm(forms.ModelForm):
    phases = forms.MultipleChoiceField(
        choices=Phase.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="A phase 2/3 trial has both phases ticked.",
    )
    std_ages = forms.MultipleChoiceField(
        label="Standard age groups", choices=StdAge.choices, required=False,
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
        label="NCT numbers", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or more, separated by spaces, commas or new lines, e.g. NCT03281889.",
    )
    file = forms.FileField(
        label="Or a saved response", required=False,
        help_text="A JSON file saved from the ClinicalTrials.gov API v2: one study, or a page "
                  'of studies ({"studies": [...]}).',
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_nct_ids(self):
        ids = [part.upper() for part in re.split(r"[\s,;]+", self.cleaned_data["nct_ids"]) if part]
        wrong = [part for part in ids if not is_nct_id(part)]
        if wrong:
            hint = " Type the digits 0 to 9." if any(not p.isascii() for p in wrong) else ""
            raise ValidationError(
                f"Not an NCT number: {', '.join(wrong[:5])}. Use NCT followed by 8 digits.{hint}"
            )
        if len(ids) > MAX_STUDIES_PER_JOB:
            raise ValidationError(
                f"Import at most {MAX_STUDIES_PER_JOB:,} NCT numbers at a time.")
        return list(dict.fromkeys(ids))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("This file is larger than 20 MB.")
        body = upload.read()
        try:
            studies = studies_from_json(body)
        except TrialImportError as error:
            raise ValidationError(str(error)) from error
        self.upload_text = body.decode(json.detect_encoding(body))  # as json.loads reads it
        if len(studies) > MAX_STUDIES_PER_JOB:
            raise ValidationError(
                f"This file holds {len(studies):,} studies: import at most "
                f"{MAX_STUDIES_PER_JOB:,} at a time here. Split the file, or run the "
                "import_trials command, which has no limit."
            )
        rows = sum(study_rows(study) for study in studies)
        if rows > MAX_ROWS_PER_JOB:
            raise ValidationError(
                f"This file lists {rows:,} outcomes, interventions, contacts and locations: "
                f"import at most {MAX_ROWS_PER_JOB:,} at a time here. Split the file, or "
                "run the import_trials command, which has no limit."
            )
        return studies

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        studies, nct_ids = cleaned.get("file") or [], cleaned.get("nct_ids") or []
        if not studies and not nct_ids:
            raise ValidationError("Enter at least one NCT number, or choose a file.")
        if len(studies) + len(nct_ids) > MAX_STUDIES_PER_JOB:
            raise ValidationError(
                f"Import at most {MAX_STUDIES_PER_JOB:,} studies at a time: this file holds "
                f"{len(studies)} and you typed {len(nct_ids)} NCT numbers."
            )
        if self.user is not None and not self.user.is_superuser:
            # Said now, not after the job has fetched them: an import may not overwrite a
            # trial that other coordinators keep.
            wanted = {*nct_ids, *map(study_label, studies)}
            others = sorted(Trial.objects.filter(nct_id__in=wanted)
                            .exclude(coordinators=self.user).values_list("nct_id", flat=True))
            if others:
                raise ValidationError(
                    f"Kept by another coordinator: {', '.join(others[:5])}"
                    f"{' and more' if len(others) > 5 else ''}. Leave "
                    f"{'it' if len(others) == 1 else 'them'} out, or ask a coordinator of "
                    f"{'that trial' if len(others) == 1 else 'those trials'} to import "
                    f"{'it' if len(others) == 1 else 'them'}."
                )
        return cleaned
