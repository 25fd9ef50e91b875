from django.contrib import admin

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
    list_display = ["version", "effective_date", "status", "in_force", "changes"]
    list_filter = ["status"]
    fieldsets = [
        (None, {"fields": [("version", "effective_date"), "changes", "body"]}),
        ("Publishing", {"fields": [("status", "publish_at")]}),
    ]

    @admin.display(boolean=True, description="in force today")
    def in_force(self, obj):
        current = PrivacyNotice.objects.in_force()
        return current is not None and current.pk == obj.pk
