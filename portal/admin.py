from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from portal.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """Which recurring jobs ran when, and whether the last run failed (then it is retried)."""

    list_display = ["name", "last_queued_at", "last_status"]
    readonly_fields = ["name", "last_queued_at", "last_status"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="last run")
    def last_status(self, obj):
        result = obj.last_result()
        if result is None:
            return "-"
        url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk])
        return format_html('<a href="{}">{}</a>', url, result.status.lower())
