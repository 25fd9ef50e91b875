import nested_admin
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from nested_admin.formsets import NestedInlineFormSet
from reversion_compare.helpers import html_diff

from conditions.models import (
    RESERVED_ANCHORS,
    REVIEW_INTERVAL_ERROR,
    Condition,
    ConditionDueForReview,
    Discussion,
    GlossaryTerm,
    KeyFact,
    Recognition,
    Reference,
    Section,
    StagingCategory,
    Story,
    Subsection,
    Synonym,
    TreatmentOption,
    unique_anchor,
)
from portal import roles
from portal.admin_views import ReadOnlyAdmin
from portal.forms import ADMIN_DATE_FIELDS
from portal.review_admin import DraftAdminMixin, ReviewedAdminMixin
from portal.revisions import RevisionAdmin


def sections_text(condition_version):
    """The sections and subsections stored in a condition's revision, as one text."""
    stored = condition_version.revision.version_set.all()
    # Only this condition's: a revision may hold other conditions saved with it (the demo).
    sections = sorted(
        (v.field_dict for v in stored if v.content_type.model_class() is Section
         and str(v.field_dict["condition_id"]) == str(condition_version.object_id)),
        key=lambda fields: (fields["order"], fields["id"]),
    )
    subsections = sorted(
        (v.field_dict for v in stored if v.content_type.model_class() is Subsection),
        key=lambda fields: (fields["order"], fields["id"]),
    )
    parts = []
    for section in sections:
        parts.append(f"## {section['heading']}\n\n{section['body']}")
        parts.extend(
            f"### {sub['heading']}\n\n{sub['body']}"
            for sub in subsections if sub["section_id"] == section["id"]
        )
    return "\n\n".join(parts)


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Due within 30 days or overdue"), ("overdue", "Overdue")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.review_due()
        if self.value() == "overdue":
            return queryset.review_due(within_days=-1)
        return queryset


class AnchoredFormSet(NestedInlineFormSet):
    """Derives the empty anchors from the headings before the rows are checked for
    duplicates, each unique among the anchors kept and the ones derived in this save."""

    reserved = frozenset()

    def clean(self):
        kept = [form for form in self.forms
                if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)]
        taken = set(self.reserved) | {form.cleaned_data.get("anchor") for form in kept}
        for form in kept:
            heading = form.cleaned_data.get("heading")
            if heading and not form.cleaned_data.get("anchor"):
                anchor = unique_anchor(heading, taken)
                taken.add(anchor)
                form.cleaned_data["anchor"] = form.instance.anchor = anchor
        super().clean()


class SectionFormSet(AnchoredFormSet):
    reserved = RESERVED_ANCHORS

    def get_unique_error_message(self, unique_check):
        return ("Two sections have the same anchor: change one of them, or empty it to make "
                "one from its heading.")


class SectionForm(forms.ModelForm):
    def validate_constraints(self):
        # The one constraint, a unique anchor on the page: said on the anchor itself, with
        # the section that has it, not as "Section with this Condition and Anchor exists".
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError:
            anchor = self.instance.anchor
            other = (Section.objects.filter(condition_id=self.instance.condition_id,
                                            anchor=anchor).exclude(pk=self.instance.pk).first())
            named = f"“{other.heading}”" if other is not None else "another section"
            self.add_error("anchor", f"{named} has the anchor “{anchor}” already: change one of "
                                     "them, or empty this one to make it from the heading.")


class SortableMixin:
    """Rows ordered by drag and drop (or the move buttons of static/js/inline-order.js):
    the order field is kept hidden and numbered from the rows' positions on save."""

    sortable_field_name = "order"
    extra = 0
    formfield_overrides = ADMIN_DATE_FIELDS

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == self.sortable_field_name:
            kwargs["widget"] = forms.HiddenInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SynonymInline(nested_admin.NestedStackedInline):
    model = Synonym
    extra = 0
    verbose_name = "also called"
    verbose_name_plural = "also called (synonyms)"


class KeyFactInline(SortableMixin, nested_admin.NestedStackedInline):
    model = KeyFact


class SubsectionInline(SortableMixin, nested_admin.NestedStackedInline):
    model = Subsection
    fields = ["heading", "body", ("reading_grade", "anchor"), "order"]
    readonly_fields = ["reading_grade"]


class SectionInline(SortableMixin, nested_admin.NestedStackedInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    fields = ["kind", "heading", "body", ("reading_grade", "anchor"), "order"]
    readonly_fields = ["reading_grade"]
    inlines = [SubsectionInline]


class TreatmentOptionInline(SortableMixin, nested_admin.NestedStackedInline):
    model = TreatmentOption


class StagingCategoryInline(SortableMixin, nested_admin.NestedStackedInline):
    model = StagingCategory
    fields = ["name", "definition", "order"]
    inlines = [TreatmentOptionInline]


class ReferenceInline(SortableMixin, nested_admin.NestedStackedInline):
    model = Reference
    fields = [
        "year", "authors", "title", ("source", "volume", "pages"),
        ("doi", "url", "accessed"), "order",
    ]


class RecognitionInline(SortableMixin, nested_admin.NestedStackedInline):
    model = Recognition


class DiscussionInline(SortableMixin, nested_admin.NestedStackedInline):
    model = Discussion


EDITING_JS = ["js/unsaved-changes.js", "js/inline-order.js", "js/error-summary.js"]


@admin.register(Condition)
class ConditionAdmin(nested_admin.NestedModelAdminMixin, ReviewedAdminMixin, RevisionAdmin):
    list_display = ["name", "publish_at", "last_reviewed", "next_review_due",
                    "review_state", "on_site"]
    list_filter = ["status", "featured", ReviewFilter]
    search_fields = ["name", "synonyms__name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "publish_at"
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "meta_description"]}),
        ("Publishing", {"fields": [("status", "publish_at", "unpublish_at"), "featured"]}),
        ("Medical review", {"fields": [("last_reviewed", "next_review_due"),
                                       "reviewer", "review_interval_months", "owner",
                                       "disclaimer"]}),
    ]
    review_fields = ["last_reviewed", "next_review_due", "reviewer"]
    inlines = [SynonymInline, KeyFactInline, SectionInline, StagingCategoryInline,
               RecognitionInline, ReferenceInline, DiscussionInline]

    class Media:
        js = EDITING_JS
        css = {"all": ["css/admin-editing.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "review_interval_months":  # the browser's field says so too
            kwargs.update(min_value=1, error_messages={"min_value": REVIEW_INTERVAL_ERROR})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":  # someone who may keep the page current
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                Q(is_superuser=True) | Q(groups__name__in=[roles.CONTENT_EDITORS,
                                                           roles.MEDICAL_REVIEWERS]),
                is_active=True, is_staff=True).distinct().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def compare_sections(self, obj_compare):
        """Compare the text of the sections and subsections, not just their names."""
        return html_diff(
            sections_text(obj_compare.compare_obj1.version_record),
            sections_text(obj_compare.compare_obj2.version_record),
        )


@admin.register(ConditionDueForReview)
class ConditionDueForReviewAdmin(ReadOnlyAdmin):
    list_display = ["name", "next_review_due", "review_state", "last_reviewed",
                    "reviewer_name", "edit_link"]
    ordering = ["next_review_due"]

    def get_queryset(self, request):
        return super().get_queryset(request).review_due()

    @admin.display(description="edit")
    def edit_link(self, obj):
        url = reverse("admin:conditions_condition_change", args=[obj.pk])
        return format_html('<a href="{}">Review and edit</a>', url)


@admin.register(Story)
class StoryAdmin(ReviewedAdminMixin, RevisionAdmin):
    list_display = ["title", "publish_at", "reading_grade"]
    list_filter = ["status", "conditions"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["conditions"]
    fields = ["title", "slug", "summary", "body", "reading_grade", ("image", "image_alt"),
              "conditions", ("status", "publish_at", "unpublish_at")]
    readonly_fields = ["reading_grade"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(DraftAdminMixin, RevisionAdmin):
    """A live term's definition shows on every condition page that uses the term: a
    change to it is a draft, published from its review page, as a page's is."""

    list_display = ["term", "definition", "status", "publish_at"]
    list_filter = ["status"]
    search_fields = ["term", "other_forms", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    fields = ["term", "slug", "definition", "other_forms",
              ("status", "publish_at", "unpublish_at")]
