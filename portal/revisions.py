"""Revision history in the admin (django-reversion with compare views), guarded like the
change form: a user reaches an object's history, comparisons and old versions only when they
may view (or, to restore, change) that object, and only versions of that object."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin


class RevisionAdmin(CompareVersionAdmin):
    """The admin of editorial content: revisions, and a link to the public page or preview."""

    recover_for_superusers_only = False

    @admin.display(description="on site")
    def on_site(self, obj):
        label = "View" if obj.is_live else "Preview"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    def allowed_object(self, request, object_id, *, change=False):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if change:
            allowed = self.has_change_permission(request, obj)
        else:
            allowed = self.has_view_or_change_permission(request, obj)
        if not allowed:
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self.allowed_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        self.allowed_object(request, object_id)
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.allowed_object(request, object_id, change=True)
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        # Restoring a revision restores every object saved in it (one admin action can save
        # several): the user must be allowed to change each of them.
        others = version.revision.version_set.get_for_model(self.model).exclude(
            object_id=version.object_id
        )
        for other in others:
            target = self.get_object(request, other.object_id)
            if target is None or not self.has_change_permission(request, target):
                raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def may_recover(self, request):
        if self.recover_for_superusers_only and not request.user.is_superuser:
            return False
        return self.has_add_permission(request)

    def recoverlist_view(self, request, extra_context=None):
        if not self.may_recover(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.may_recover(request):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        return super().recover_view(request, version_id, extra_context)
