from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from reversion_compare.helpers import html_diff

from conditions.models import (
    RESERVED_ANCHORS,
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
from portal.revisions import RevisionAdmin


def sections_text(condition_version):
    """The sections and subsections stored in a condition's revision, as one text."""
    stored = condition_version.revision.version_set.all()
    sections = sorted(
        (v.field_dict for v in stored if v.content_type.model_class() is Section),
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


class SynonymInline(admin.TabularInline):
    model = Synonym
    extra = 0
    verbose_name = "also called"
    verbose_name_plural = "also called (synonyms)"


class KeyFactInline(admin.TabularInline):
    model = KeyFact
    extra = 0


class AnchoredFormSet(BaseInlineFormSet):
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
                anchor = unique_anchor(self.anchor_text(form, heading), taken)
                taken.add(anchor)
                form.cleaned_data["anchor"] = form.instance.anchor = anchor
        super().clean()

    def anchor_text(self, form, heading):
        return heading


class SectionFormSet(AnchoredFormSet):
    reserved = RESERVED_ANCHORS


class SectionInline(admin.StackedInline):
    model = Section
    formset = SectionFormSet
    extra = 0
    fields = [("order", "kind"), "heading", "body", ("reading_grade", "anchor")]
    readonly_fields = ["reading_grade"]
    show_change_link = True


class StagingCategoryInline(admin.StackedInline):
    model = StagingCategory
    extra = 0
    fields = [("order", "name"), "definition"]
    show_change_link = True


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = [
        ("order", "year"), "authors", "title", ("source", "volume", "pages"),
        ("doi", "url", "accessed"),
    ]


class RecognitionInline(admin.TabularInline):
    model = Recognition
    extra = 0


class DiscussionInline(admin.TabularInline):
    model = Discussion
    extra = 0


@admin.register(Condition)
class ConditionAdmin(RevisionAdmin):
    list_display = ["name", "status", "publish_at", "last_reviewed", "next_review_due",
                    "review_state", "on_site"]
    list_filter = ["status", ReviewFilter]
    search_fields = ["name", "synonyms__name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "publish_at"
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "meta_description"]}),
        ("Publishing", {"fields": [("status", "publish_at")]}),
        ("Medical review", {"fields": [("last_reviewed", "next_review_due"),
                                       ("reviewer_name", "reviewer_role"), "owner", "disclaimer"]}),
    ]
    inlines = [SynonymInline, KeyFactInline, SectionInline, StagingCategoryInline,
               RecognitionInline, ReferenceInline, DiscussionInline]

    def compare_sections(self, obj_compare):
        """Compare the text of the sections and subsections, not just their names."""
        return html_diff(
            sections_text(obj_compare.compare_obj1.version_record),
            sections_text(obj_compare.compare_obj2.version_record),
        )


@admin.register(ConditionDueForReview)
class ConditionDueForReviewAdmin(admin.ModelAdmin):
    list_display = ["name", "next_review_due", "review_state", "last_reviewed",
                    "reviewer_name", "edit_link"]
    ordering = ["next_review_due"]

    def get_queryset(self, request):
        return super().get_queryset(request).review_due()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="edit")
    def edit_link(self, obj):
        url = reverse("admin:conditions_condition_change", args=[obj.pk])
        return format_html('<a href="{}">Review and edit</a>', url)


class SubsectionInline(admin.StackedInline):
    model = Subsection
    extra = 0
    fields = [("order", "heading"), "body", ("reading_grade", "anchor")]
    readonly_fields = ["reading_grade"]


@admin.register(Section)
class SectionAdmin(RevisionAdmin):
    list_display = ["heading", "condition", "kind", "order", "reading_grade"]
    list_filter = ["kind", "condition"]
    list_select_related = ["condition"]
    search_fields = ["heading", "body", "condition__name"]
    fields = ["condition", ("order", "kind"), "heading", "anchor", "body", "reading_grade"]
    readonly_fields = ["reading_grade"]
    inlines = [SubsectionInline]


class TreatmentOptionInline(admin.TabularInline):
    model = TreatmentOption
    extra = 0


@admin.register(StagingCategory)
class StagingCategoryAdmin(RevisionAdmin):
    list_display = ["name", "condition", "order"]
    list_filter = ["condition"]
    list_select_related = ["condition"]
    search_fields = ["name", "condition__name"]
    inlines = [TreatmentOptionInline]


@admin.register(Story)
class StoryAdmin(RevisionAdmin):
    list_display = ["title", "status", "publish_at", "reading_grade"]
    list_filter = ["status", "conditions"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["conditions"]
    fields = ["title", "slug", "summary", "body", "reading_grade", ("image", "image_alt"),
              "conditions", ("status", "publish_at")]
    readonly_fields = ["reading_grade"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(RevisionAdmin):
    list_display = ["term", "definition", "status", "publish_at"]
    list_filter = ["status"]
    search_fields = ["term", "other_forms", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    fields = ["term", "slug", "definition", "other_forms", ("status", "publish_at")]
