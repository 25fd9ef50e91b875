from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, Sum
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from portal.admin_views import ReadOnlyAdmin
from portal.models import (
    OTHER_SEARCHES_LABEL,
    Draft,
    ReviewerProfile,
    ScheduledJob,
    SearchPromotion,
    SearchQueryStat,
)
from portal.publishing import publish_due_drafts, with_draft_applied
from portal.revisions import RevisionAdmin
from portal.search import MAX_DAILY_SEARCHES, OTHER_SEARCHES, PERSONAL_SEARCH, with_shown


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdmin):
    """Which recurring jobs ran when, and whether the last run failed (then it is retried)."""

    list_display = ["name", "last_queued_at", "last_status"]
    readonly_fields = ["name", "last_queued_at", "last_status"]
    fields = readonly_fields

    @admin.display(description="last run")
    def last_status(self, obj):
        result = obj.last_result()
        if result is None:
            return "-"
        url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk])
        return format_html('<a href="{}">{}</a>', url, result.status.lower())


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "credentials", "user"]
    search_fields = ["display_name", "credentials", "user__username"]
    autocomplete_fields = ["user"]


class StateFilter(admin.SimpleListFilter):
    """Waiting for review unless another state is chosen."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*Draft.State.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or Draft.State.IN_REVIEW
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Draft.State.IN_REVIEW
        return queryset if value == "all" else queryset.filter(state=value)


@admin.register(Draft)
class ReviewQueueAdmin(ReadOnlyAdmin):
    """The review queue: items waiting for a medical reviewer, oldest first."""

    list_display = ["item_name", "kind", "state", "author", "updated_at", "checks",
                    "review_link"]
    list_display_links = None
    list_filter = [StateFilter]
    list_select_related = ["content_type", "author"]
    search_fields = ["item_name"]
    ordering = ["updated_at"]

    class Media:
        css = {"all": ["css/admin-editing.css"]}

    def changelist_view(self, request, extra_context=None):
        publish_due_drafts()
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        """Only the items the user may see in their own admin pages: a trial's pending
        changes are its coordinators' business, not every coordinator's nor the content
        editors'."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser or not self.has_view_or_change_permission(request):
            return queryset  # everything, or refused anyway as for any other model
        visible = Q(pk__in=[])
        for kind in ContentType.objects.filter(pk__in=Draft.objects.values("content_type")):
            model_admin = self.admin_site._registry.get(kind.model_class())
            if model_admin is None or not model_admin.has_view_or_change_permission(request):
                continue
            ids = model_admin.get_queryset(request).annotate(
                key=Cast("pk", CharField())).values("key")
            visible |= Q(content_type=kind, object_id__in=ids)
        return queryset.filter(visible)

    @admin.display(description="type")
    def kind(self, obj):
        return obj.content_type.model_class()._meta.verbose_name.capitalize()

    @admin.display(description="checks before publishing")
    def checks(self, obj):
        item = obj.item
        if item is None or not hasattr(item, "publication_checks"):
            return "-"
        problems = with_draft_applied(item, lambda current: current.publication_checks())
        return f"{len(problems)} to look at" if problems else "none"

    @admin.display(description="review")
    def review_link(self, obj):
        app_label, model = obj.content_type.app_label, obj.content_type.model
        try:
            url = reverse(f"admin:{app_label}_{model}_review", args=[obj.object_id])
        except NoReverseMatch:
            return ""
        return format_html('<a href="{}">Review \u201c{}\u201d</a>', url, obj.item_name)


TOP = 20


class FoundFilter(admin.SimpleListFilter):
    title = "results"
    parameter_name = "found"

    def lookups(self, request, model_admin):
        return [("nothing", "Found nothing"), ("something", "Found something")]

    def queryset(self, request, queryset):
        # The row counting the searches past a day's limit (query "") found neither.
        if self.value() == "nothing":
            return queryset.filter(results=0).exclude(query=OTHER_SEARCHES)
        if self.value() == "something":
            return queryset.filter(results__gt=0)
        return queryset


@admin.register(SearchQueryStat)
class SearchQueryStatAdmin(ReadOnlyAdmin):
    """What visitors search for, per day: read-only, for deciding which pages or synonyms
    to add. The totals above the list add up the days the filters select."""

    list_display = ["search", "count", "results_found", "day"]
    list_filter = [FoundFilter, ("day", admin.DateFieldListFilter)]
    search_fields = ["query"]
    ordering = ["-count", "query"]
    date_hierarchy = "day"
    change_list_template = "admin/portal/searchquerystat/change_list.html"

    class Media:
        css = {"all": ["css/admin-search-stats.css"]}

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            selected = changelist.queryset.order_by()
            searches = selected.exclude(query=OTHER_SEARCHES)
            totals = searches.values("query").annotate(searches=Sum("count"))
            response.context_data["most_frequent"] = totals.order_by("-searches", "query")[:TOP]
            nothing = searches.filter(results=0).values("query").annotate(searches=Sum("count"))
            response.context_data["found_nothing"] = nothing.order_by("-searches", "query")[:TOP]
            others = selected.filter(query=OTHER_SEARCHES).aggregate(searches=Sum("count"))
            response.context_data["other_searches"] = others["searches"]
            response.context_data["daily_limit"] = f"{MAX_DAILY_SEARCHES:,}"
            response.context_data["other_label"] = OTHER_SEARCHES_LABEL
            if request.user.has_perm("portal.add_searchpromotion"):
                response.context_data["promotion_add_url"] = reverse(
                    "admin:portal_searchpromotion_add")
                response.context_data["personal_search"] = PERSONAL_SEARCH
        return response

    @admin.display(description="search", ordering="query")
    def search(self, obj):
        return obj.query or OTHER_SEARCHES_LABEL

    @admin.display(description="results found", ordering="results")
    def results_found(self, obj):
        return obj.results if obj.query else "\u2014"


@admin.register(SearchPromotion)
class SearchPromotionAdmin(RevisionAdmin):
    """Pages offered above the results of a search, for what families type that the pages
    do not say in their words (from "Searches that found nothing")."""

    list_display = ["query", "title", "url", "order", "shown"]
    search_fields = ["query", "title", "url"]
    fields = ["query", "url", "title", "summary", "order"]

    def get_queryset(self, request):
        return with_shown(super().get_queryset(request))

    @admin.display(boolean=True, description="shown now", ordering="shown")
    def shown(self, obj):
        """Whether the page is live now: a promotion of a page taken down waits."""
        return obj.shown
