from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from pages.models import Page, PrivacyNotice
from portal.review_admin import DraftAdminMixin
from portal.revisions import RevisionAdmin


@admin.register(Page)
class PageAdmin(DraftAdminMixin, RevisionAdmin):
    list_display = ["title", "slug", "publish_at", "placement", "order", "on_site"]
    list_filter = ["status", "placement"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "meta_description"]}),
        ("Publishing", {"fields": [("status", "publish_at", "unpublish_at")]}),
        ("Links on every page", {"fields": [("placement", "order")]}),
    ]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(RevisionAdmin):
    list_display = ["version", "effective_date", "status", "in_force", "changes", "on_site"]
    list_filter = ["status"]
    fieldsets = [
        (None, {"fields": [("version", "effective_date"), "changes", "body"]}),
        ("Publishing", {"fields": [("status", "publish_at")]}),
    ]

    @admin.display(description="on site")
    def on_site(self, obj):
        # A version whose date has not come is not public yet, even when published.
        public = obj.is_live and obj.effective_date <= timezone.localdate()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(),
                           "View" if public else "Preview")

    @admin.display(boolean=True, description="in force today")
    def in_force(self, obj):
        current = PrivacyNotice.objects.in_force()
        return current is not None and current.pk == obj.pk
