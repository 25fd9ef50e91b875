"""Revision history in the admin (django-reversion with compare views), guarded like the
change form: a user reaches an object's history, comparisons and old versions only when they
may view (or, to restore, change) that object, and only versions of that object."""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html
from reversion.models import Version
from reversion.revisions import _follow_relations_recursive
from reversion_compare.admin import CompareVersionAdmin

from portal.diff import changes_between, computed
from portal.edit_conflicts import EditConflictMixin
from portal.forms import ADMIN_DATE_FIELDS
from portal.models import Publishable

# Fields that say when a page is public; restoring old content leaves them as they are.
PUBLISHING_FIELDS = ("status", "publish_at", "unpublish_at")


def content_snapshot(obj):
    """{(model label, pk): {field: value}} for the object and every part its revisions hold."""
    objects = list(_follow_relations_recursive(obj))
    return {
        (item["model"], str(item["pk"])): item["fields"]
        for item in serializers.serialize("python", objects)
    }


def part_name(model_label, fields):
    from django.apps import apps

    model = apps.get_model(model_label)
    title = next((fields[name] for name in ("heading", "name", "title", "text")
                  if fields.get(name)), "")
    return f"{model._meta.verbose_name} “{title}”" if title else str(
        model._meta.verbose_name
    )


def field_names(model_label, names):
    """The fields' own names as the form shows them, in the form's order: "last reviewed,
    next review due and reviewer"."""
    from django.apps import apps

    opts = apps.get_model(model_label)._meta
    fields = [field for field in [*opts.fields, *opts.many_to_many] if field.name in names]
    labels = [str(field.verbose_name) for field in fields]
    labels += sorted(set(names) - {field.name for field in fields})
    return " and ".join(filter(None, [", ".join(labels[:-1]), labels[-1]]))


def describe_changes(before, after, ignore=()):
    """Plain sentences naming what differs between two content snapshots."""
    ignored = set(ignore)
    lines = []
    for key in after.keys() - before.keys():
        lines.append(f"brought back {part_name(key[0], after[key])}")
    for key in before.keys() - after.keys():
        lines.append(f"removed {part_name(key[0], before[key])}")
    for key in before.keys() & after.keys():
        changed = {name for name, value in after[key].items()
                   if name not in ignored and not computed(key[0], name)
                   and before[key].get(name) != value}
        if changed:
            lines.append(f"changed {field_names(key[0], changed)} of "
                         f"{part_name(key[0], after[key])}")
    return sorted(lines)


def revision_snapshot(revision):
    """{(model label, pk): fields} of everything a revision holds (the format of
    portal.publishing.snapshot)."""
    snapshot = {}
    for version in revision.version_set.select_related("content_type"):
        content_type = version.content_type
        fields = json.loads(version.serialized_data)[0]["fields"]
        snapshot[(f"{content_type.app_label}.{content_type.model}", version.object_id)] = fields
    return snapshot


def own_parts(snapshot, label, pk):
    """The snapshot narrowed to one object and its parts (rows that point to it, or to one of
    its parts): a revision may hold other objects saved at the same time (loading the demo
    saves every condition and glossary term in one)."""
    from django.apps import apps

    kept = {(label, str(pk))}
    grown = True
    while grown:
        grown = False
        for key, fields in snapshot.items():
            if key in kept:
                continue
            try:
                model = apps.get_model(key[0])
            except LookupError:  # a model since removed
                continue
            if any(field.many_to_one
                   and (field.related_model._meta.label_lower,
                        str(fields.get(field.name))) in kept
                   for field in model._meta.concrete_fields):
                kept.add(key)
                grown = True
    return {key: fields for key, fields in snapshot.items() if key in kept}


class EditingMedia:
    """The scripts and styles of an admin edit form: leaving a form with unsaved changes asks
    first; mistakes are listed at the top, each a link to its field. An admin declares it as
    its Media (`Media = EditingMedia`)."""

    css = {"all": ["css/admin-editing.css"]}
    js = ["js/unsaved-changes.js", "js/error-summary.js"]


class RevisionAdmin(EditConflictMixin, CompareVersionAdmin):
    """The admin of editorial content: revisions, a link to the public page or preview, and
    saves refused when the item changed after its form was opened."""

    recover_for_superusers_only = False
    compare_template = "admin/portal/compare.html"
    Media = EditingMedia

    formfield_overrides = ADMIN_DATE_FIELDS

    @property
    def compare_exclude(self):
        """What compare leaves out: the fields worked out on save (portal.diff.computed)."""
        label = self.model._meta.label_lower
        return [field.name for field in self.model._meta.concrete_fields
                if computed(label, field.name)]

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
        obj = self.allowed_object(request, object_id)
        ids = [request.GET.get("version_id1"), request.GET.get("version_id2")]
        versions = list(Version.objects.get_for_object(obj).filter(
            pk__in=[i for i in ids if i and i.isdigit()]
        ).select_related("revision").order_by("pk"))
        if len(versions) == 2:
            older, newer = (own_parts(revision_snapshot(v.revision), obj._meta.label_lower,
                                      obj.pk) for v in versions)
            extra_context = {**(extra_context or {}), "changes": changes_between(older, newer)}
        return super().compare_view(request, object_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        kept = getattr(request, "_kept_publishing", None)
        if obj is not None and kept and str(obj.pk) == kept["pk"]:
            for name, value in kept["values"].items():
                setattr(obj, name, value)
        return obj

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.allowed_object(request, object_id, change=True)
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        refused = self.refused_restore(request, version)
        if refused is not None:
            return refused
        # A restore brings back content; whether and when the page is public stays as it is.
        request._kept_publishing = {
            "pk": str(obj.pk),
            "values": {name: getattr(obj, name) for name in PUBLISHING_FIELDS
                       if hasattr(obj, name)},
        }
        before = content_snapshot(obj) if request.method == "POST" else None
        response = super().revision_view(request, object_id, version_id, extra_context)
        if before is not None and response.status_code == 302:
            after = content_snapshot(self.model._default_manager.get(pk=obj.pk))
            changes = describe_changes(before, after,
                                       ignore=[*PUBLISHING_FIELDS, *self.kept_on_restore(obj)])
            date = timezone.localtime(version.revision.date_created)
            summary = "; ".join(changes) if changes else "nothing differed from the current page"
            messages.info(
                request,
                f"Restored the version saved {date:%d %b %Y %H:%M}: {summary}. "
                "Publishing was left as it was.",
            )
        return response

    def refused_restore(self, request, version, recovering=False):
        """None when restoring `version` (or, `recovering`, bringing back the deleted item
        it is a version of) may go ahead. PermissionDenied when the user may not change
        every object saved in it; when it was saved together with other public items, the
        reason said and (sending the form) a redirect back, nothing restored."""
        # Django-reversion restores or recovers a whole revision, every object saved in it
        # (one admin action can save several): the user must be allowed to change each of
        # them (to recover one, to add it: may_recover).
        others = version.revision.version_set.get_for_model(self.model).exclude(
            object_id=version.object_id
        )
        for other in others:
            target = self.get_object(request, other.object_id)
            if target is None and recovering:
                continue
            if target is None or not self.has_change_permission(request, target):
                raise PermissionDenied
        # Nor is a version brought back that was saved together with other public items
        # (the demo's content is one revision): they would change on the site at once, as
        # they were then (deleted ones back, withdrawn ones public again), with no draft
        # and no review.
        shared = sum(1 for other in version.revision.version_set.exclude(pk=version.pk)
                     .select_related("content_type")
                     if issubclass(other.content_type.model_class() or object, Publishable))
        if shared:
            done = "recovered" if recovering else "restored"
            message = (f"This version was saved together with {shared} other "
                       f"item{'s' if shared != 1 else ''} of the site (pages, trials and "
                       f"the like), which {'recovering' if recovering else 'restoring'} it "
                       "would change too, on the site at once. Copy what you need from it "
                       + ("into a new item instead." if recovering
                          else "into the edit form instead."))
            if request.method == "POST":
                messages.error(request, f"Nothing was {done}. {message}")
                return HttpResponseRedirect(request.get_full_path())
            messages.warning(request, message)
        return None

    def kept_on_restore(self, obj):
        """Fields besides the publishing ones that a restore leaves as they are."""
        return []

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
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        refused = self.refused_restore(request, version, recovering=True)
        if refused is not None:
            return refused
        return super().recover_view(request, version_id, extra_context)
