import django_filters
from django import forms

from care_sites.models import CareSite
from conditions.models import Condition
from portal.forms import LongSelect
from trials.models import OverallStatus, Phase, StatusGroup, Trial
from trials.search import trials_matching

STATUS_CHOICES = [
    ("For families", [(group.value, group.label) for group in StatusGroup]),
    ("Registry status", [(status.value.lower(), status.label) for status in OverallStatus]),
]


def phase_parameter(phase):
    """The short form of a phase in the URL: PHASE2 -> "2", EARLY_PHASE1 -> "early1", NA -> "na"."""
    return phase.lower().replace("early_phase", "early").removeprefix("phase")


PHASE_CODES = {phase_parameter(phase): phase for phase in Phase}
PHASE_CHOICES = [(phase_parameter(phase), phase.label) for phase in Phase]


class TrialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. MIBG, NCT03281889"}),
    )
    condition = django_filters.ModelChoiceFilter(
        label="Condition",
        queryset=lambda request: Condition.objects.published().only("name", "slug"),
        to_field_name="slug", widget=LongSelect,
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
        label="Where it runs here",
        queryset=lambda request: CareSite.objects.published().only("name", "slug"),
        to_field_name="slug", widget=LongSelect,
        field_name="care_sites", empty_label="Any of our sites",
    )

    class Meta:
        model = Trial
        fields = ["q", "condition", "status", "phase", "age", "site"]

    def search(self, queryset, name, value):
        return trials_matching(queryset, value)

    def by_status(self, queryset, name, value):
        if value in StatusGroup.values:
            return queryset.in_group(value)
        return queryset.filter(overall_status=value.upper())

    def by_phase(self, queryset, name, value):
        return queryset.with_phase(PHASE_CODES[value])

    def by_age(self, queryset, name, value):
        return queryset.for_age(float(value))
