from django.contrib import admin, messages
from django.shortcuts import redirect
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

    def get_readonly_fields(self, request, obj=None):
        # A version that has taken effect is kept as it is (PrivacyNotice.WORDING says why).
        if obj is not None and obj.has_taken_effect:
            return PrivacyNotice.WORDING
        return super().get_readonly_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.has_taken_effect:
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "description": (
                "This version has taken effect and families have agreed to it, so it "
                "cannot change, nor be withdrawn. To change the notice, add a new version "
                "with the date it takes effect and what changed.")}), *rest]
        return fieldsets

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.allowed_object(request, object_id, change=True)
        if obj.has_taken_effect:
            messages.error(request, f"{obj} has taken effect, and families agreed to it as it "
                                    "is: an earlier wording cannot be restored. Add a new "
                                    "version with the change instead.")
            return redirect("admin:pages_privacynotice_history", obj.pk)
        return super().revision_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Kept: it is what the families who signed up while it was in force agreed to.
        if obj is not None and obj.has_taken_effect:
            return False
        return super().has_delete_permission(request, obj)

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
