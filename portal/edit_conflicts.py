"""Two people, or two browser tabs, editing one item. The change form carries the item's
version when the form was opened; a save from a form opened before someone else saved is
refused, with the input kept, instead of silently writing the whole stale form over their
change."""

import hashlib
from contextlib import contextmanager

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from portal.publishing import who


def version_token(*parts):
    """A short digest of the values that make an item's version."""
    text = "|".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class EditConflictMixin:
    """For a ModelAdmin of a model with `updated_at` (set on every save): the change form
    holds a hidden version token, and a save whose token is not the item's version now is
    refused with a message naming who changed it and when."""

    change_form_template = "admin/portal/change_form.html"

    def edit_version(self, obj):
        """What the change form of obj edits, as a token that changes with every save of it.
        Saving the form saves the object itself, even when only its inlines changed."""
        return version_token(obj.updated_at.isoformat())

    def last_changes(self, obj):
        """[(when, by whom: a user or a description[, what happened, when not "was
        changed"])] of recorded changes to obj; a refused save names the latest."""
        entry = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        ).select_related("user").order_by("-action_time").first()
        return [(entry.action_time, entry.user)] if entry else []

    def remember_edit_version(self, request, obj):
        """Keep obj's version for the form of this request. It is taken before anything
        is written for the form (a draft applied to show it), so call it with the item as
        it is stored."""
        if not getattr(request, "_restoring_version", False) and not hasattr(
            request, "_edit_version"
        ):
            request._edit_version = self.edit_version(obj)

    @contextmanager
    def edit_lock(self, request, object_id):
        """A save holds the item's row from before its version is read until it is written:
        of two saves sent at the same moment from forms of one version, the second waits for
        the first, then finds the version changed and is refused. On PostgreSQL the saves of
        one model also take turns, new items included: a form's check that a name or address
        is free then sees what a save a moment before wrote, so two items sent at once with
        the same address get a message, not a server error. A form being shown takes no
        lock; a mixin and this class asking both take it once."""
        if request.method != "POST" or getattr(request, "_edit_locked", False):
            yield
            return
        pk = None
        if object_id is not None:
            try:
                pk = self.model._meta.pk.to_python(unquote(object_id))
            except ValidationError:  # no such item: the view answers as for any unknown id
                yield
                return
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            # SQLite (make run, for one developer) has no row locks: it ignores this, and
            # there the version check alone applies.
            connection = connections[using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                                   [f"admin save of {self.model._meta.label_lower}"])
            if pk is not None:
                list(self.model._base_manager.select_for_update().filter(pk=pk)
                     .values_list("pk", flat=True))
            request._edit_locked = True
            try:
                yield
            finally:
                request._edit_locked = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with self.edit_lock(request, object_id):
            if object_id is not None and not hasattr(request, "_edit_version"):
                obj = self.get_object(request, unquote(object_id))
                if obj is not None:
                    self.remember_edit_version(request, obj)
            return super().changeform_view(request, object_id, form_url, extra_context)

    # Restoring a revision or recovering a deleted item posts a whole earlier version on
    # purpose: it replaces what is there, and says what it changed.
    def revision_view(self, request, object_id, version_id, extra_context=None):
        request._restoring_version = True
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        request._restoring_version = True
        return super().recover_view(request, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        current = getattr(request, "_edit_version", None)
        if obj is None or current is None:
            return form
        admin = self

        class VersionedForm(form):
            edit_version = forms.CharField(widget=forms.HiddenInput, required=False,
                                           initial=current)

            def clean(self):
                data = super().clean()
                seen = self.cleaned_data.get("edit_version")
                if seen != current:
                    self.add_error(None, admin.conflict_message(request, obj, seen))
                return data

        return VersionedForm

    def conflict_message(self, request, obj, seen):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        links = format_html(
            'Open <a href="{}" target="_blank" rel="noopener">the current version (opens in '
            'a new tab)</a>, copy your changes over and save them there. Its <a href="{}" '
            'target="_blank" rel="noopener">history (opens in a new tab)</a> lists the '
            "changes made.", url, history,
        )
        if not seen:
            return format_html(
                "This form was not fully loaded, so your changes are not saved. {}", links)
        # (when, who, and what happened when it is not a plain change)
        when, user, *what = max(self.last_changes(obj), default=(None, None),
                                key=lambda change: change[0])
        happened = what[0] if what else "was changed"
        if user is None:
            by = ""
        elif user == request.user:
            by = " by you (in another tab or window)"
        else:
            by = f" by {user if isinstance(user, str) else who(user)}"
        at = f" on {date_format(timezone.localtime(when), 'j M Y \\a\\t H:i')}" if when else ""
        return format_html(
            "\u201c{}\u201d {}{}{} after you opened this page, so your changes are "
            "not saved: saving this form would undo that change. {}",
            obj, happened, by, at, links,
        )

