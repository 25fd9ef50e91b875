import re

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator

from care_sites.models import CareSite
from conditions.models import Condition
from portal.forms import (
    MarksInvalidForm,
    PlainSelect,
    PlainTextInput,
    printable,
    published_choices,
)
from trials.models import (
    STATUS_GROUPS,
    OverallStatus,
    Phase,
    StatusGroup,
    Trial,
    age_in_years,
)
from trials.search import trials_matching

# A registry status that is a family group by itself (not yet recruiting) is offered once,
# as the group.
STATUS_CHOICES = [
    ("For families", [(group.value, group.label) for group in StatusGroup]),
    ("Registry status", [(status.value.lower(), status.label) for status in OverallStatus
                         if [status] not in STATUS_GROUPS.values()]),
]


def phase_parameter(phase):
    """The short form of a phase in the URL: PHASE2 -> "2", EARLY_PHASE1 -> "early1", NA -> "na"."""
    return phase.lower().replace("early_phase", "early").removeprefix("phase")


# A value the lists do not hold (an address mistyped, or a condition or site no longer
# published), said in plain words; the value itself is never repeated back.
NOT_LISTED_CONDITION = "We have no page about that condition. Choose one from the list."
NOT_LISTED_SITE = "That is not one of our sites. Choose one from the list."
NOT_LISTED_STATUS = "Choose a status from the list."
NOT_LISTED_PHASE = "Choose a phase from the list."
AGE_ERRORS = {
    "invalid": "Enter your child's age in years as a number, for example 5, or with months "
               "or weeks, for example 18 months.",
    "min_value": "Enter an age of 0 or more (0 for a baby under one year old).",
    "max_value": "Enter an age of 120 or less.",
}

AGE_HELP = "In years or months, for example 5 or 18 months."

PHASE_CODES = {phase_parameter(phase): phase for phase in Phase}


class ChildAgeField(forms.DecimalField):
    """A child's age in years ("5", "2.5", "2,5", "1 1/2", "1½", "2 and a half"), or with
    its unit as families say it and the registry writes it ("18 months", "6 weeks", "5 years
    old")."""

    def to_python(self, value):
        text = re.sub(r"\s+old\s*$", "", str(value or ""), flags=re.I).strip()
        text = re.sub(r"(?<=\d)\s*y/o$", "y", text, flags=re.I)
        text = HALF.sub(lambda half: f"{half[1] or 0}.5", text)
        text = DECIMAL_COMMA.sub(r"\1.\2", text)
        years = years_of(text)
        return super().to_python(text if years is None else str(years))


def years_of(text):
    """An age written with its units, in one part or more ("18 months", "2y", "6 mo",
    "5 years 6 months", "1 yr and 3 mos"), in years; None when it is not written so."""
    parts = AGE_PART.findall(text)
    between = AGE_PART.sub("", text)
    if not parts or re.sub(r"[\s,]+|\band\b", "", between, flags=re.I):
        return None
    total = 0
    for number, unit in parts:
        years = age_in_years(f"{number} {SHORT_UNITS.get(unit.lower(), unit)}")
        if years is None:
            return None
        total += years
    return round(total, 4)


AGE_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)\.?", re.I)
# As parents shorten them; the registry's own words (years, months, weeks, days) are read by
# age_in_years.
SHORT_UNITS = {"y": "year", "yr": "year", "yrs": "year", "yo": "year",
               "m": "month", "mo": "month", "mos": "month", "mth": "month", "mths": "month",
               "w": "week", "wk": "week", "wks": "week", "d": "day"}


# "1 1/2", "1½", "2 and a half" (years or months): a half as a decimal, also alone ("½",
# "1/2": half a year); "2,5": a decimal comma (not "1,000", a thousand).
HALF = re.compile(r"^(\d*)(?:\s*½|(?:^|\s+)1/2|\s+and\s+a\s+half)(?=[\sa-z]|$)", re.I)
DECIMAL_COMMA = re.compile(r"^(\d+),(\d{1,2})(?=[\sa-z]|$)", re.I)


class ChildAgeFilter(django_filters.NumberFilter):
    field_class = ChildAgeField


PHASE_CHOICES = [(phase_parameter(phase), phase.label) for phase in Phase]


# Bootstrap's class on the selects: templates/trials/includes/filter_fields.html writes the
# fields out, and the form adds is-invalid to an input with errors.
SELECT_ATTRS = {"class": "form-select"}


class SearchWordsField(forms.CharField):
    """Words to search for, their characters read as the site search reads them
    (portal.forms.printable), and a search too long refused in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for validator in self.validators:
            if isinstance(validator, MaxLengthValidator):
                validator.message = (f"Please shorten your search to {self.max_length}"
                                     " characters or fewer (it has %(show_value)d).")

    def to_python(self, value):
        return super().to_python(" ".join(printable(str(value or "")).split()))


class SearchWordsFilter(django_filters.CharFilter):
    field_class = SearchWordsField


class TrialFilter(django_filters.FilterSet):
    q = SearchWordsFilter(
        label="Search", method="search", max_length=200,
        widget=PlainTextInput(attrs={"type": "search", "placeholder": "e.g. MIBG, NCT03281889",
                                    "class": "form-control"}),
    )
    # The choices of the two long lists (a thousand conditions, hundreds of sites) are their
    # published (slug, name) pairs, read once per request (see form): building a model
    # instance for each option took most of the page's time.
    condition = django_filters.ChoiceFilter(
        label="Condition", choices=[], method="by_condition", widget=PlainSelect(SELECT_ATTRS),
        empty_label="Any condition",
        error_messages={"invalid_choice": NOT_LISTED_CONDITION},
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="by_status", empty_label="Any status",
        widget=PlainSelect(SELECT_ATTRS), error_messages={"invalid_choice": NOT_LISTED_STATUS},
    )
    phase = django_filters.ChoiceFilter(
        label="Phase", choices=PHASE_CHOICES, method="by_phase", empty_label="Any phase",
        widget=PlainSelect(SELECT_ATTRS), error_messages={"invalid_choice": NOT_LISTED_PHASE},
    )
    # A text box with the usual keyboard: families type "18 months" or "2 and a half", and a
    # number box could not show back what was typed ("four"), which the error is about.
    age = ChildAgeFilter(
        label="Child's age", method="by_age", min_value=0, max_value=120,
        error_messages=AGE_ERRORS, help_text=AGE_HELP,
        widget=PlainTextInput(attrs={"autocomplete": "off",
                                    "class": "form-control"}),
    )
    site = django_filters.ChoiceFilter(
        label="Where it runs here", choices=[], method="by_site", widget=PlainSelect(SELECT_ATTRS),
        empty_label="Any of our sites", error_messages={"invalid_choice": NOT_LISTED_SITE},
    )

    class Meta:
        model = Trial
        form = MarksInvalidForm
        fields = ["q", "condition", "status", "phase", "age", "site"]

    @property
    def form(self):
        # Given to the form once it is built: a form deep-copies its fields' choices.
        if not hasattr(self, "_form"):
            form = super().form
            for name, model in [("condition", Condition), ("site", CareSite)]:
                form.fields[name].choices = published_choices(model)
        return self._form

    def by_condition(self, queryset, name, value):
        return queryset.filter(conditions__slug=value)  # a published condition's: a choice

    def by_site(self, queryset, name, value):
        return queryset.filter(care_sites__slug=value)

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
