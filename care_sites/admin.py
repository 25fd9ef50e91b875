from itertools import combinations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from care_sites.models import (
    MINUTES_A_DAY,
    WEEKDAYS,
    CareSite,
    Closure,
    Language,
    Location,
    OpeningHours,
    SupportService,
    minutes,
)
from portal.forms import ADMIN_DATE_FIELDS, PhoneCheckedForm
from portal.review_admin import DraftAdminMixin
from portal.revisions import EditingMedia, RevisionAdmin

MINUTES_A_WEEK = 7 * MINUTES_A_DAY


class OpeningHoursFormSet(BaseInlineFormSet):
    """A day may have several rows (a break at lunch), but no two may overlap: families
    would read two answers to "is it open now". Hours past midnight run into the next day,
    Sunday's into Monday's."""

    def clean(self):
        super().clean()
        spans = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            day, opens, closes = data.get("weekday"), data.get("opens"), data.get("closes")
            if data.get("DELETE") or None in (day, opens, closes) or opens == closes:
                continue
            start = day * MINUTES_A_DAY + minutes(opens)
            end = day * MINUTES_A_DAY + minutes(closes)
            if closes < opens:
                end += MINUTES_A_DAY
            label = f"{dict(WEEKDAYS)[day]} {opens:%H:%M}-{closes:%H:%M}"
            spans.append((start, end, label))
        # Every overlap at once, so that one save shows them all.
        overlaps = [
            ValidationError(f"These opening hours overlap: {label} and {other}. Join them "
                            "into one row, or change one of them.")
            for (start, end, label), (other_start, other_end, other) in combinations(spans, 2)
            if any(start < other_end + shift and other_start + shift < end
                   for shift in (-MINUTES_A_WEEK, 0, MINUTES_A_WEEK))
        ]
        if overlaps:
            raise ValidationError(overlaps)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    # The campus's own clock times: plain boxes, without the admin's clock, its "Now" and
    # its note on the editor's time zone, which would invite converting them.
    formfield_overrides = {models.TimeField: {
        "widget": forms.TimeInput(format="%H:%M", attrs={"size": 6}),
        "error_messages": {"invalid": "Enter a time as HH:MM in the 24-hour clock, for "
                                      "example 08:30 or 19:00."},
    }}


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    verbose_name = "closed day"
    verbose_name_plural = "closed days (holidays)"
    formfield_overrides = ADMIN_DATE_FIELDS


@admin.register(Location)
class LocationAdmin(DraftAdminMixin, RevisionAdmin):
    form = PhoneCheckedForm
    list_display = ["name", "city", "phone", "on_site"]
    list_filter = ["status", "city"]
    search_fields = ["name", "city", "street_address", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", ("status", "publish_at", "unpublish_at")]}),
        ("Address", {"fields": ["street_address", ("city", "state", "postal_code"),
                                ("phone", "is_main"), ("latitude", "longitude")]}),
        ("Visiting", {"fields": ["hours_note", "parking", "transit"]}),
    ]
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(CareSite)
class CareSiteAdmin(DraftAdminMixin, RevisionAdmin):
    form = PhoneCheckedForm
    list_display = ["name", "kind", "cities_list", "accepts_new_patients", "order",
                    "on_site"]
    list_editable = ["order"]
    list_filter = ["status", "kind", "locations", "accepts_new_patients"]
    search_fields = ["name", "summary", "description", "locations__city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations", "conditions"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "summary", "description"]}),
        ("Image", {"fields": [("image", "image_alt")]}),
        ("Where and who", {"fields": ["locations", "conditions", "accepts_new_patients"]}),
        ("Contact", {"fields": [("phone", "email")]}),
        ("Publishing", {"fields": [("status", "publish_at", "unpublish_at"), "order"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("locations")

    @admin.display(description="cities")
    def cities_list(self, obj):
        return ", ".join(obj.cities())


@admin.register(SupportService)
class SupportServiceAdmin(DraftAdminMixin, RevisionAdmin):
    form = PhoneCheckedForm
    list_display = ["name", "category", "order", "on_site"]
    list_editable = ["order"]
    list_filter = ["status", "category", "care_sites"]
    search_fields = ["name", "summary", "description", "languages__name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["languages", "conditions", "care_sites"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "summary", "description",
                           "how_to_access"]}),
        ("Contact", {"fields": [("phone", "email"), "website"]}),
        ("Languages (interpreter services)", {"fields": ["languages"]}),
        ("Related", {"fields": ["conditions", "care_sites"]}),
        ("Publishing", {"fields": [("status", "publish_at", "unpublish_at"), "order"]}),
    ]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    Media = EditingMedia
