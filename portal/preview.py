"""Public pages show only live content; staff who may view a model also see its drafts."""

from django.http import Http404
from django.shortcuts import get_object_or_404


def can_preview(user, model):
    opts = model._meta
    return user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def get_public_or_preview(request, queryset, **lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not obj.is_live and not can_preview(request.user, queryset.model):
        raise Http404("No published page here.")
    return obj
