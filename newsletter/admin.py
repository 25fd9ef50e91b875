import csv

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newsletter import services
from newsletter.models import Consent, Subscriber, Topic
from portal.preview import visible_to
from portal.revisions import EditingMedia

HIDDEN_CONDITION = "A condition page not yet published"
CHUNK = 2_000  # subscribers read at a time by the export and the unsubscribe action
CONFIRM_SHOWN = 50  # addresses the unsubscribe action's confirmation names (and counts all)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Newsletter managers see condition names only once the condition is published; a link
    to a draft condition is shown as such and kept unchanged when they save the topic."""

    list_display = ["name", "slug", "condition_shown", "is_active", "order", "subscribed"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    Media = EditingMedia

    def condition_hidden_from(self, request, obj):
        if obj is None or obj.condition_id is None:
            return False
        conditions = obj._meta.get_field("condition").related_model.objects.all()
        return not visible_to(request.user, conditions).filter(pk=obj.condition_id).exists()

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return [*exclude, "condition"] if self.condition_hidden_from(request, obj) else exclude

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.condition_hidden_from(request, obj):
            readonly.append("linked_condition")
        return readonly

    @admin.display(description="condition")
    def linked_condition(self, obj):
        return HIDDEN_CONDITION

    @admin.display(description="condition")
    def condition_shown(self, obj):
        if obj.condition is None:
            return "-"
        return str(obj.condition) if obj.condition_visible else HIDDEN_CONDITION

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "condition":
            kwargs["queryset"] = visible_to(
                request.user, db_field.related_model._default_manager.all()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        conditions = Topic._meta.get_field("condition").related_model.objects.all()
        visible = visible_to(request.user, conditions).filter(pk=OuterRef("condition_id"))
        return super().get_queryset(request).select_related("condition").annotate(
            condition_visible=Exists(visible),
            subscribed_count=Count(
                "subscribers", filter=Q(subscribers__state=Subscriber.State.CONFIRMED)
            )
        )

    @admin.display(description="subscribers", ordering="subscribed_count")
    def subscribed(self, obj):
        return obj.subscribed_count


class ConsentInline(admin.StackedInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ["given_at", "wording", "privacy_version", "topic_names", "confirmed_at",
              "ip_address", "user_agent"]
    readonly_fields = fields
    verbose_name_plural = "consent records"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "state", "topic_list", "requested_at", "confirmed_at"]
    list_filter = ["state", "topics"]
    search_fields = ["email"]
    date_hierarchy = "requested_at"
    fields = ["email", "state", "topics", "created_at", "requested_at", "confirmed_at",
              "unsubscribed_at"]
    readonly_fields = ["email", "state", "created_at", "requested_at", "confirmed_at",
                       "unsubscribed_at"]
    filter_horizontal = ["topics"]
    inlines = [ConsentInline]
    actions = ["unsubscribe"]
    change_list_template = "newsletter/admin_subscriber_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def get_form(self, request, obj=None, **kwargs):
        # Staff may take topics off (a subscriber asks by email) but never add one: a topic
        # needs the subscriber's own consent, which they give from their preferences link.
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "topics" in form.base_fields:
            field = form.base_fields["topics"]
            field.queryset = obj.topics.all()
            field.help_text = ("Topics can be taken off when the subscriber asks. Only the "
                               "subscriber can add one, from the preferences link in "
                               "each email, giving their consent.")
            field.error_messages["invalid_choice"] = (
                "Only the subscriber can add a topic, with their consent: %(value)s is not "
                "one of theirs.")
        return form

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view),
                      name="newsletter_subscriber_export")
        return [export, *super().get_urls()]

    def has_add_permission(self, request):
        return False  # people subscribe themselves, with double opt-in

    def has_export_permission(self, request):
        return request.user.has_perm("newsletter.export_subscriber")

    @admin.display(description="topics")
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

    @admin.action(description="Unsubscribe the selected people (on their request)",
                  permissions=["change"])
    def unsubscribe(self, request, queryset):
        # First a page that says who will be unsubscribed, as deleting has: it cannot be
        # undone by staff (only the subscriber can sign up again, with their consent).
        active = queryset.exclude(state=Subscriber.State.UNSUBSCRIBED)
        count = active.count()
        already = queryset.count() - count
        if not count:
            self.message_user(request, f"Nothing to do: the {already} selected "
                                       f"{'is' if already == 1 else 'are'} unsubscribed already.",
                              messages.INFO)
            return None
        if request.POST.get("post") != "yes":
            shown = list(active.order_by("email").values_list("email", flat=True)
                         [:CONFIRM_SHOWN])
            return TemplateResponse(request, "newsletter/admin_unsubscribe_confirmation.html", {
                **self.admin_site.each_context(request),
                "title": "Unsubscribe these people?",
                "opts": self.model._meta,
                "count": count,
                "already": already,
                "shown": shown,
                "more": count - len(shown),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across") == "1",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            })
        # In chunks, without the list's topics: "select all" may cover more subscribers than
        # one query can name (PostgreSQL takes at most 65,535 parameters).
        done = 0
        for subscriber in active.prefetch_related(None).iterator(chunk_size=CHUNK):
            services.subscription_unsubscribe(subscriber=subscriber)
            done += 1
        skipped = f" {already} selected {'was' if already == 1 else 'were'} unsubscribed " \
                  "already." if already else ""
        self.message_user(request, f"Unsubscribed {done}.{skipped}", messages.SUCCESS)

    def export_view(self, request):
        """Confirmed subscribers with their topics, as CSV; honours the list's filters."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect("admin:newsletter_subscriber_changelist")
        subscribers = changelist.queryset.filter(state=Subscriber.State.CONFIRMED)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"newsletter-subscribers-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(["email", "topics", "subscribed since"])
        # In chunks, each with its subscribers' topics: one query could not name them all
        # (PostgreSQL takes at most 65,535 parameters), nor memory hold them all.
        for subscriber in (subscribers.order_by("email").prefetch_related("topics")
                           .iterator(chunk_size=CHUNK)):
            writer.writerow([
                spreadsheet_safe(subscriber.email),
                spreadsheet_safe("; ".join(topic.name for topic in subscriber.topics.all())),
                f"{timezone.localtime(subscriber.confirmed_at):%Y-%m-%d %H:%M}"
                if subscriber.confirmed_at else "",
            ])
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
            "export_url": reverse("admin:newsletter_subscriber_export"),
        }
        return super().changelist_view(request, extra_context)


def spreadsheet_safe(value):
    """Keep a spreadsheet from reading a cell as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
