"""Admin pieces that keep staff to what their role may see.

Two views replace Django's: the "view on site" redirect, which must not reveal a draft's
address to staff who may not preview it, and the autocomplete endpoint, which must refuse
reverse relations instead of failing on them. A list filter and a ModelAdmin mixin show only
the related content a user may see (portal.preview.visible_to). ReadOnlyAdmin is the base of
lists the portal writes itself."""

from django.contrib.admin import ModelAdmin, RelatedFieldListFilter
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import ForeignObjectRel
from django.http import Http404

from portal.preview import can_preview, visible_to


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


class VisibleRelatedListFilter(RelatedFieldListFilter):
    """A related-object filter that lists only what the user may see (preview.visible_to):
    staff without access to a model's drafts never read their names in a filter."""

    def field_choices(self, field, request, model_admin):
        related = visible_to(request.user, field.related_model._default_manager.all())
        return [(obj.pk, str(obj)) for obj in related]


class VisibleChoicesMixin:
    """ModelAdmin: the pick lists of `visible_choice_fields` offer only what the user may
    see, and saving keeps the links to content hidden from the user as they were."""

    visible_choice_fields = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.visible_choice_fields:
            kwargs["queryset"] = visible_to(
                request.user, db_field.related_model._default_manager.all()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        hidden = {}
        if change:
            for name in self.visible_choice_fields:
                related = getattr(form.instance, name)
                shown = visible_to(request.user, related.model._default_manager.all())
                hidden[name] = list(related.exclude(pk__in=shown.values("pk")))
        super().save_related(request, form, formsets, change)
        for name, objs in hidden.items():
            getattr(form.instance, name).add(*objs)


class ReadOnlyAdmin(ModelAdmin):
    """A list the portal keeps itself (runs, statistics, queues): nobody adds, changes or
    deletes its rows here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
