import django_filters
from django import forms
from django.db.models import Q

from care_sites.models import CareSite
from conditions.models import Condition
from trials.models import OverallStatus, StatusGroup, Trial

STATUS_CHOICES = [
    ("For families", [(group.value, group.label) for group in StatusGroup]),
    ("Registry status", [(status.value.lower(), status.label) for status in OverallStatus]),
]
PHASE_CHOICES = [("early1", "Early Phase 1"), ("1", "Phase 1"), ("2", "Phase 2"),
                 ("3", "Phase 3"), ("4", "Phase 4"), ("na", "Not Applicable")]
PHASE_CODES = {"early1": "EARLY_PHASE1", "1": "PHASE1", "2": "PHASE2", "3": "PHASE3",
               "4": "PHASE4", "na": "NA"}


class TrialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. MIBG, NCT03281889"}),
    )
    condition = django_filters.ModelChoiceFilter(
        label="Condition", queryset=lambda request: Condition.objects.published(),
        to_field_name="slug",
        field_name="conditions", empty_label="Any condition",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="by_status", empty_label="Any status"
    )
    phase = django_filters.ChoiceFilter(
        label="Phase", choices=PHASE_CHOICES, method="by_phase", empty_label="Any phase"
    )
    age = django_filters.NumberFilter(
        label="Child's age (years)", method="by_age", min_value=0, max_value=120,
        widget=forms.NumberInput(attrs={"min": 0, "max": 120, "step": 1, "inputmode": "numeric"}),
    )
    site = django_filters.ModelChoiceFilter(
        label="Where it runs here", queryset=lambda request: CareSite.objects.published(),
        to_field_name="slug",
        field_name="care_sites", empty_label="Any of our sites",
    )

    class Meta:
        model = Trial
        fields = ["q", "condition", "status", "phase", "age", "site"]

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(nct_id__iexact=word) | Q(brief_title__icontains=word)
                | Q(acronym__icontains=word) | Q(official_title__icontains=word)
                | Q(registry_conditions__icontains=word) | Q(keywords__icontains=word)
                | Q(plain_summary__icontains=word) | Q(brief_summary__icontains=word)
            )
        return queryset

    def by_status(self, queryset, name, value):
        if value in StatusGroup.values:
            return queryset.in_group(value)
        return queryset.filter(overall_status=value.upper())

    def by_phase(self, queryset, name, value):
        return queryset.with_phase(PHASE_CODES[value])

    def by_age(self, queryset, name, value):
        return queryset.for_age(float(value))
