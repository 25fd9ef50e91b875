"""Public pages show only live content; staff who may view a model also see its drafts."""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from portal.cache import mark_private


def can_preview(user, obj):
    """Staff who may view the model in the admin; a model may narrow it (preview_allowed)."""
    opts = obj._meta
    if not (user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")):
        return False
    return obj.preview_allowed(user) if hasattr(obj, "preview_allowed") else True


def get_public_or_preview(request, queryset, **lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not obj.is_live:
        if not can_preview(request.user, obj):
            raise Http404("No published page here.")
        mark_private(request)
    return obj


def live_in_other_case(model, slug):
    """The live item whose address differs from `slug` only in case (a typed or shared
    address such as /conditions/Neuroblastoma/), or None."""
    if slug == slug.lower():
        return None
    # Addresses are saved in lower case (Publishable.save).
    return model._default_manager.published().filter(slug=slug.lower()).first()


def redirect_keeping_query(request, url, permanent=True):
    query = request.META.get("QUERY_STRING", "")
    redirect = HttpResponsePermanentRedirect if permanent else HttpResponseRedirect
    return redirect(f"{url}?{query}" if query else url)


def draft_preview(model, lookup="slug"):
    """A public view that, given ?preview=draft, shows staff who may preview the item its
    pending draft (applied in a transaction that is undone after rendering). lookup: the
    URL's keyword argument naming the item, a field of the model."""
    from portal.publishing import apply_data, draft_for, rolled_back

    def decorator(view):
        @wraps(view)
        def wrapped(request, **kwargs):
            value = kwargs[lookup]
            if request.GET.get("preview") != "draft":
                try:
                    return view(request, **kwargs)
                except Http404:
                    if lookup != "slug":
                        raise
                    moved = live_in_other_case(model, value)
                    if moved is not None:
                        return redirect_keeping_query(request, moved.get_absolute_url())
                    # An address made of another name the item is known by: a redirect that
                    # is not permanent, as other names change.
                    named = (model.live_by_other_name(value)
                             if hasattr(model, "live_by_other_name") else None)
                    if named is None:
                        raise
                    return redirect_keeping_query(request, named.get_absolute_url(),
                                                  permanent=False)
            obj = model._default_manager.filter(**{lookup: value}).first()
            draft = draft_for(obj) if obj is not None else None
            if draft is None or not draft.data or not can_preview(request.user, obj):
                return view(request, **kwargs)
            request.draft_preview = True

            def render_draft():
                apply_data(obj, draft.data)
                response = view(request, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                return response

            response = rolled_back(render_draft)
            patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapped

    return decorator


def visible_to(user, queryset):
    """What of a publishable model the user may see in the admin: everything when they may
    view the model (its own admin shows them its drafts), otherwise only live content. Used
    for the choices and filters other models' admin pages offer."""
    opts = queryset.model._meta
    if user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return queryset
    return queryset.published()
