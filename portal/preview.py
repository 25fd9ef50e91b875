"""Public pages show only live content; staff who may view a model also see its drafts."""

from django.http import Http404
from django.shortcuts import get_object_or_404


def can_preview(user, obj):
    """Staff who may view the model in the admin; a model may narrow it (preview_allowed)."""
    opts = obj._meta
    if not (user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")):
        return False
    return obj.preview_allowed(user) if hasattr(obj, "preview_allowed") else True


def get_public_or_preview(request, queryset, **lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not obj.is_live and not can_preview(request.user, obj):
        raise Http404("No published page here.")
    return obj
