"""Admin views that replace two of Django's: the "view on site" redirect, which must not
reveal a draft's address to staff who may not preview it, and the autocomplete endpoint,
which must refuse reverse relations instead of failing on them."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import ForeignObjectRel
from django.http import Http404

from portal.preview import can_preview


def view_on_site(request, content_type_id, object_id):
    """Django's redirect to an object's public page, for drafts only when the user may
    preview them (the rule of portal.preview); otherwise as if there were no such object."""
    try:
        content_type = ContentType.objects.get(pk=content_type_id)
        model = content_type.model_class()
        obj = model._default_manager.get(pk=object_id) if model else None
    except (ObjectDoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such object.") from error
    if obj is None:
        raise Http404("No such object.")
    if getattr(obj, "is_live", True) is False and not can_preview(request.user, obj):
        raise Http404("No such object.")
    return contenttype_views.shortcut(request, content_type_id, object_id)


class AutocompleteView(AutocompleteJsonView):
    """Autocomplete for the admin's own fields only: a reverse relation named in the
    address (which no admin form uses) is refused as bad parameters are."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if isinstance(source_field, ForeignObjectRel):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name
