"""The admin side of drafts and medical review: a live item's changes are saved as a draft,
each item has a review page (submit, approve or send back, with the checks and the changes
against the live version), and only medical reviewers publish."""

import json
import re
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from reversion.admin import VersionAdmin
from reversion.models import Version

from portal.checks import text_checks
from portal.diff import changes_between
from portal.edit_conflicts import version_token
from portal.models import Draft, Publishable, ReviewStep, within_schedule
from portal.publishing import (
    draft_approve,
    draft_for,
    draft_save,
    draft_send_back,
    draft_submit,
    fingerprint,
    pending_send_back,
    publish_due_drafts,
    record_step,
    rolled_back,
    scheduled_for,
    serialize,
    serialize_fields,
    snapshot,
    steps_for,
    with_draft_applied,
    with_fields_of,
    wrote_pending_changes,
)

PUBLISHING_FIELDS = ["status", "publish_at", "unpublish_at"]


# A review note is read in the history and sent by email: a few paragraphs, not a document.
NOTE_LENGTH = 5000
OWN_CHANGES = ("You wrote these changes, so another medical reviewer approves them: medical "
               "review is a second person's reading. You can still send them back or discard "
               "them.")
NOTE_ERRORS = {"max_length": "Keep the note to %(limit_value)d characters (it has "
                             "%(show_value)d): it is sent by email and kept in the history."}


class ApproveForm(forms.Form):
    # Said apart from the time: a browser sends a date-time field it cannot read as empty,
    # which alone would mean "now".
    when = forms.ChoiceField(
        label="Publish", required=False, initial="now", widget=forms.RadioSelect,
        choices=[("now", "Now"), ("later", "At a set time")],
        error_messages={"invalid_choice": "Choose when to publish from the choices shown."},
    )
    publish_at = forms.DateTimeField(
        label="Publish at", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=f"For “At a set time”: the date and time ({settings.TIME_ZONE} time).",
        error_messages={"invalid": "Enter the date and time as YYYY-MM-DD HH:MM."},
    )
    comment = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(
        attrs={"rows": 3}), max_length=NOTE_LENGTH, error_messages=NOTE_ERRORS)
    # The fingerprint of the changes shown (portal.publishing.fingerprint).
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, scheduled=None, **kwargs):
        """scheduled: when an item not live yet goes live (portal.publishing.scheduled_for).
        Its changes then keep that time unless "Now" or another time is chosen."""
        super().__init__(*args, **kwargs)
        self.scheduled = scheduled
        if scheduled is not None:
            when = date_format(timezone.localtime(scheduled), "j M Y, H:i")
            self.fields["when"].choices = [
                ("scheduled", f"At the scheduled time, {when}"),
                ("now", f"Now, bringing the go-live time forward from {when}"),
                ("later", "At a set time"),
            ]
            self.fields["when"].initial = "scheduled"

    def clean(self):
        data = super().clean()
        # Without the choice (a script), a time given means that time; no time, the schedule.
        when = data.get("when") or ("later" if data.get("publish_at") else
                                    "scheduled" if self.scheduled else "now")
        if when == "scheduled":
            data["publish_at"] = self.scheduled
        elif when == "now":
            data["publish_at"] = None
        elif "publish_at" not in self.errors:
            if data.get("publish_at") is None:
                self.add_error("publish_at", "Enter the date and time to publish, or choose "
                                             "“Now”.")
            elif data["publish_at"] <= timezone.now():
                self.add_error("publish_at", "This time has passed: choose a later one, or "
                                             "“Now”.")
        data["when"] = when
        return data


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_LENGTH,
        error_messages={"required": "Say what needs to change before sending it back.",
                        **NOTE_ERRORS},
    )


class DiscardForm(forms.Form):
    # Dropping a draft cannot be undone: asked on the server, so it holds without scripts.
    confirm = forms.BooleanField(
        label="Yes, discard these changes", required=True,
        error_messages={"required": "Tick the box to confirm that the changes should be "
                                    "discarded. Nothing was discarded."})


class SubmitForm(forms.Form):
    comment = forms.CharField(label="Note for the reviewer (optional)", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_LENGTH,
                              error_messages=NOTE_ERRORS)


def state_label(obj, draft_state=None, has_changes=False):
    """Draft, Scheduled, Live, Live with changes, Expired, In review or Sent back."""
    if draft_state == Draft.State.IN_REVIEW:
        return "In review"
    if draft_state == Draft.State.SENT_BACK:
        return "Sent back"
    state = obj.publication_state
    if state == "Live" and has_changes:
        return "Live with changes"
    return state


class PublishingStateFilter(admin.SimpleListFilter):
    """The list's rows by the state its "state" column shows (state_label), read from the
    annotations of DraftAdminMixin.get_queryset and the publishing fields at this moment."""

    title = "state"
    parameter_name = "publishing"
    STATES = [("in_review", "In review"), ("sent_back", "Sent back"),
              ("live_with_changes", "Live with changes"), ("live", "Live"),
              ("scheduled", "Scheduled"), ("expired", "Expired"), ("draft", "Draft")]

    def lookups(self, request, model_admin):
        return self.STATES

    def queryset(self, request, queryset):
        wanted = self.value()
        if wanted not in dict(self.STATES):
            return queryset
        if wanted == "in_review":
            return queryset.filter(draft_state=Draft.State.IN_REVIEW)
        if wanted == "sent_back":
            return queryset.filter(draft_state=Draft.State.SENT_BACK)
        now = timezone.now()
        published = Q(status=Publishable.Status.PUBLISHED)
        expired = published & Q(unpublish_at__lte=now)
        scheduled = published & Q(publish_at__gt=now) & ~expired
        live = published & within_schedule(now)
        by_state = {
            "draft": ~published, "expired": expired, "scheduled": scheduled,
            "live": live & Q(draft_has_changes=False),
            "live_with_changes": live & Q(draft_has_changes=True),
        }
        return queryset.filter(by_state[wanted]).filter(
            Q(draft_state__isnull=True)
            | ~Q(draft_state__in=[Draft.State.IN_REVIEW, Draft.State.SENT_BACK]))


def carry_into_draft(obj, names):
    """Write the item's current values of the fields `names` into its pending draft, if it
    has one."""
    draft = draft_for(obj) if names else None
    if draft is None or not draft.data:
        return
    values = serialize_fields(obj, names)
    for item in draft.data:
        if item["model"] == obj._meta.label_lower and str(item["pk"]) == str(obj.pk):
            item["fields"].update(values)
    draft.save(update_fields=["data"])


def why_not_discarded(draft):
    """Why the changes waiting in `draft` cannot be discarded from the review page, or ""
    when they can (by anyone who may edit the item)."""
    if draft is None or not draft.data:
        return "There is no change waiting here to discard."
    if draft.state == Draft.State.APPROVED:
        # A reviewer's decision is undone by a reviewer (send back) or by editing, which
        # withdraws the approval, never dropped silently.
        return ("These changes are approved and wait for their time, so they are not "
                "discarded. A medical reviewer can send them back, or saving the edit form "
                "withdraws the approval first.")
    return ""


def draft_state_label(obj, draft):
    return state_label(obj, draft.state if draft else None, bool(draft and draft.data))


class DraftAdminMixin:
    """For a RevisionAdmin of Publishable content: a live item's changes are saved as a draft
    that someone allowed to publish publishes from the item's review page. By default that is
    anyone who may change the item; ReviewedAdminMixin narrows it to medical reviewers."""

    publish_permission = None  # a permission name, or None: the change permission
    review_fields = []  # fields only a reviewer's approval sets (shown read-only)
    change_form_template = "admin/portal/reviewed_change_form.html"

    object_history_template = "admin/portal/reviewed_object_history.html"

    # Lists ---------------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        publish_due_drafts()  # so that no row says "Live with changes" past their time
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request):
        # Not "state", which a model may have as a field of its own (a location's US state).
        return [*super().get_list_display(request), "publishing_state"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), PublishingStateFilter]

    def get_queryset(self, request):
        content_type = ContentType.objects.get_for_model(self.model)
        drafts = Draft.objects.filter(
            content_type=content_type, object_id=Cast(OuterRef("pk"), models.CharField())
        )
        return super().get_queryset(request).annotate(
            draft_state=Subquery(drafts.values("state")[:1]),
            draft_has_changes=Exists(drafts.filter(data__isnull=False)),
        )

    @admin.display(description="state")
    def publishing_state(self, obj):
        return state_label(obj, getattr(obj, "draft_state", None),
                           getattr(obj, "draft_has_changes", False))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not getattr(request, "_saving_draft", False):
            # Saved in place, as the list's editable columns (the order) are: a change
            # waiting as a draft gets the new values too, or publishing it would put back
            # the ones it was saved with.
            carry_into_draft(obj, [name for name in self.list_editable
                                   if name in form.changed_data])

    # Editing -------------------------------------------------------------------------------

    def may_publish(self, request, obj=None):
        if self.publish_permission:
            return request.user.has_perm(self.publish_permission)
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        readonly += self.review_fields
        if not self.may_publish(request, obj):
            readonly += [name for name in PUBLISHING_FIELDS if name not in readonly]
        elif (obj is not None and obj.status == Publishable.Status.PUBLISHED
              and "status" not in readonly):
            # Changes to a live item are a draft that publishing applies: a status of Draft
            # in it could only be dropped. A live item leaves the site at its "Unpublish
            # from" time, or by being deleted.
            readonly.append("status")
        return readonly

    def render_change_form(self, request, context, *args, **kwargs):
        # A form sent back with errors cannot keep a file chosen in it (browsers never fill
        # a file input again): say so, or the editor would fix the error and save the old
        # image believing the new one was uploaded.
        if request.method == "POST" and request.FILES:
            form = context["adminform"].form
            chosen = [str(form.fields[name].label or name).lower()
                      for name in request.FILES if name in form.fields]
            if chosen:
                messages.warning(request, f"Choose the {' and the '.join(chosen)} again "
                                          "before saving: a file chosen is not kept while "
                                          "the form has errors.")
        return super().render_change_form(request, context, *args, **kwargs)

    def message_user(self, request, message, *args, **kwargs):
        if getattr(request, "_saving_draft", False) or getattr(request, "_restoring_live",
                                                                 False):
            return None
        return super().message_user(request, message, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.status == Publishable.Status.PUBLISHED:
            # Added as published by someone who may publish it: its history says so.
            record_step(obj, action=ReviewStep.Action.PUBLISHED, user=request.user)
        else:
            draft_save(obj=obj, user=request.user)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if not getattr(request, "_saving_draft", False) and not getattr(
            request, "_kept_publishing", None
        ):
            draft_save(obj=obj, user=request.user)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.status == Publishable.Status.PUBLISHED:
            # A draft is no revision: skip VersionAdmin's, which would keep what the draft
            # save undoes. Publishing the draft makes the revision.
            return super(VersionAdmin, self).change_view(request, object_id, form_url,
                                                         extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        request._recovering = True
        response = super().recover_view(request, version_id, extra_context)
        if (request.method == "POST" and response.status_code == 302
                and self.recovered(version_id)):  # not refused
            by = " by a medical reviewer" if self.publish_permission else ""
            messages.info(request, "The recovered item is a draft: the public does not see "
                                   f"it until it is published again{by}.")
        return response

    def recovered(self, version_id):
        """Whether the item `version_id` was a version of exists (again)."""
        object_id = (Version.objects.filter(pk=version_id)
                     .values_list("object_id", flat=True).first())
        return object_id is not None and self.model._default_manager.filter(
            pk=object_id).exists()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Locked before the version is read, so that a save at the same moment waits
        # (portal.edit_conflicts); the draft is written under the same lock.
        with self.edit_lock(request, object_id):
            return self._draft_changeform_view(request, object_id, form_url, extra_context)

    def _draft_changeform_view(self, request, object_id, form_url, extra_context):
        parent = super()
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if getattr(request, "_recovering", False) and obj is not None:
            # A deleted item comes back as a draft, whatever it was when deleted: putting it
            # back in public is publishing, with its own permission (a medical review for
            # condition pages and stories). This runs inside the recovery's transaction.
            self.model._default_manager.filter(pk=obj.pk).update(
                status=Publishable.Status.DRAFT)
            obj.status = Publishable.Status.DRAFT
        if obj is not None:
            self.remember_edit_version(request, obj)  # before a draft is applied to show it
        live = obj is not None and obj.status == Publishable.Status.PUBLISHED
        extra_context = {**(extra_context or {}), **self.review_context(request, obj)}
        if not live or getattr(request, "_kept_publishing", None):
            return parent.changeform_view(request, object_id, form_url, extra_context)
        # A published item: the form shows and saves its draft; the live content stays.
        draft = draft_for(obj)
        captured = {}
        request._saving_draft = True

        def edit():
            if draft is not None and draft.data:
                from portal.publishing import apply_data

                apply_data(obj, draft.data)
            response = parent.changeform_view(request, object_id, form_url, extra_context)
            if request.method == "POST" and response.status_code == 302:
                captured["data"] = serialize(self.model._default_manager.get(pk=obj.pk))
            if hasattr(response, "render"):
                response.render()
            return response

        response = rolled_back(edit)
        request._saving_draft = False
        if "data" in captured:
            self.keep_draft(request, obj, captured["data"])
        return response

    def edit_version(self, obj):
        """A live item's form edits its draft when it has one: a saved change to the draft,
        or its discarding or publishing, is a new version. Submitting it or sending it back
        changes no content, so a form opened before is still saved."""
        version = super().edit_version(obj)
        if obj.status != Publishable.Status.PUBLISHED:
            return version
        draft = draft_for(obj)
        data = draft.data if draft is not None else None
        return version_token(version, json.dumps(data, sort_keys=True, default=str))

    def last_changes(self, obj):
        # A live item's draft is saved outside the admin's log (which the draft save rolls
        # back): its review steps say who saved, published or discarded it.
        content = [ReviewStep.Action.SAVED, ReviewStep.Action.APPROVED,
                   ReviewStep.Action.PUBLISHED, ReviewStep.Action.DISCARDED]
        step = steps_for(obj).filter(action__in=content).last()
        steps = [(step.created_at, step.user, "had the changes waiting for it discarded"
                  if step.action == ReviewStep.Action.DISCARDED else "was changed")
                 ] if step else []
        return [*super().last_changes(obj), *steps]

    def keep_draft(self, request, obj, data):
        if changes_between(snapshot(serialize(obj)), snapshot(data)):
            before = draft_save(obj=obj, user=request.user, data=data).withdrawn
            if before is not None:
                # The approved changes were waiting for their time: the editor is told, not
                # only the history.
                when = (date_format(timezone.localtime(before.publish_at), "j M Y, H:i")
                        if before.publish_at else "")
                messages.warning(
                    request,
                    f"The approval of the changes to “{obj}”"
                    + (f", to publish on {when}," if when else "")
                    + " is withdrawn: they will not be published until they are approved "
                    "again.",
                )
            if obj.is_live:
                public = "the public still sees the live page"
            elif obj.publish_at > timezone.now():
                when = date_format(timezone.localtime(obj.publish_at), "j M Y, H:i")
                public = f"the page goes live on {when} as it was, without them"
            else:
                public = "the page is no longer public (its unpublish time has passed)"
            step = ("Submit the draft for review when it is ready." if self.publish_permission
                    else "Publish it from the review page when it is ready.")
            messages.success(
                request, f"Saved your changes to \u201c{obj}\u201d as a draft: {public}. {step}"
            )
        else:
            messages.info(request, f"\u201c{obj}\u201d is unchanged.")

    def review_details(self):
        names = {field.name for field in self.model._meta.get_fields()}
        return [name for name in [*self.review_fields, "reviewer_name", "reviewer_role"]
                if name in names]

    def kept_on_restore(self, obj):
        return self.review_details() if obj.status == Publishable.Status.PUBLISHED else []

    def keep_review_details(self, live, data):
        """A restored revision keeps the live item's review details (when it was last
        reviewed and by whom): only a new review changes them."""
        with_fields_of(data, live, self.model, self.review_details())

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.allowed_object(request, object_id, change=True)  # before saying anything
        waiting = draft_for(obj)
        if waiting is not None and waiting.data:
            # The restored version would replace the changes waiting, which are no revision
            # and could not be brought back: they are discarded first, on purpose.
            message = (
                f"Changes to this page are waiting ({draft_state_label(obj, waiting).lower()},"
                f" last saved {timezone.localtime(waiting.updated_at):%d %b %Y %H:%M}). "
                "Restoring an old version would replace them, and they could not be brought "
                "back. Edit the page instead, or discard the changes on its review page "
                "first" + (" (approved changes waiting for their time are not discarded: "
                           "saving the edit form withdraws the approval first)."
                           if waiting.state == Draft.State.APPROVED else ".")
            )
            if request.method == "POST":
                messages.error(request, f"Nothing was restored. {message}")
                return HttpResponseRedirect(request.get_full_path())
            messages.warning(request, message)
        if request.method != "POST":
            return super().revision_view(request, object_id, version_id, extra_context)
        # A refused restore leaves no draft and says nothing else.
        refused = self.refused_restore(
            request, get_object_or_404(Version.objects.get_for_object(obj), pk=version_id))
        if refused is not None:
            return refused
        if obj.status != Publishable.Status.PUBLISHED:
            # Restored in place: an edit like any other, by whoever restored it (it waits to
            # be submitted again, and they do not approve it).
            response = super().revision_view(request, object_id, version_id, extra_context)
            if response.status_code == 302:
                draft_save(obj=obj, user=request.user)
            return response
        # Restoring a live item's revision makes a draft of it.
        captured = {}

        def restore():
            response = super(DraftAdminMixin, self).revision_view(
                request, object_id, version_id, extra_context
            )
            if response.status_code == 302:
                captured["data"] = serialize(self.model._default_manager.get(pk=obj.pk))
            return response

        live = serialize(obj)
        request._restoring_live = True  # the form's own "changed successfully" is not so
        try:
            response = rolled_back(restore)
        finally:
            request._restoring_live = False
        if "data" in captured:
            self.keep_review_details(live, captured["data"])
            if changes_between(snapshot(live), snapshot(captured["data"])):
                draft_save(obj=obj, user=request.user, data=captured["data"])
                by = (" reviewed by a medical reviewer and" if self.publish_permission
                      else "")
                messages.info(request, "The restored version is a draft: the public sees "
                                       f"the live page until it is{by} published.")
            else:
                messages.info(request, "No draft was made: that version is the same as the "
                                       "live page.")
        return response

    def review_context(self, request, obj):
        if obj is None:
            return {}
        draft = draft_for(obj)
        return {
            "review_url": reverse(self.admin_url_name("review"), args=[obj.pk]),
            "review_state": draft_state_label(obj, draft),
            "in_review": draft is not None and draft.state == Draft.State.IN_REVIEW,
            # Why it came back, where the editor works on it, until it is submitted again.
            "sent_back": pending_send_back(obj) if draft is not None else None,
            "approved_for": draft.publish_at
            if draft is not None and draft.state == Draft.State.APPROVED else None,
            "publication_checks": with_draft_applied(obj, self.publication_checks)
            if request.method == "GET" else [],
        }

    # Review --------------------------------------------------------------------------------

    def admin_url_name(self, view):
        opts = self.model._meta
        return f"admin:{opts.app_label}_{opts.model_name}_{view}"

    def get_urls(self):
        opts = self.model._meta
        return [
            path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view),
                 name=f"{opts.app_label}_{opts.model_name}_review"),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.allowed_object(request, object_id)
        extra_context = {**(extra_context or {}), "review_steps": steps_for(obj),
                         **self.review_context(request, obj)}
        return super().history_view(request, object_id, extra_context)

    def review_view(self, request, object_id):
        # What the worker would have published by now is published first (as the review
        # queue does), so that the page never shows a change as due at a time past.
        publish_due_drafts()
        # An approval holds the item's row, as a save does: a change written at the same
        # moment (a save of the form, a trial's refresh from the registry) comes before or
        # after it, never between reading the draft and publishing it.
        with self.edit_lock(request, object_id):
            return self._review_view(request, object_id)

    def _review_view(self, request, object_id):
        obj = self.allowed_object(request, object_id)
        url = reverse(self.admin_url_name("review"), args=[obj.pk])
        draft = draft_for(obj)
        seen = fingerprint(obj, draft)
        scheduled = scheduled_for(obj, draft)
        approve_form = partial(ApproveForm, scheduled=scheduled)
        kinds = {"submit": SubmitForm, "approve": approve_form, "send_back": SendBackForm,
                 "discard": DiscardForm}
        forms_ = {action: kind(prefix=action) for action, kind in kinds.items()}
        forms_["approve"] = approve_form(prefix="approve", initial={"seen": seen})
        if request.method == "POST":
            action = request.POST.get("action")
            if action not in forms_:
                messages.error(request, "Choose submit, approve, send back or discard.")
                return redirect(url)
            form = forms_[action] = kinds[action](request.POST, prefix=action)
            if form.is_valid():
                done = self.review_action(request, obj, action, form.cleaned_data, seen)
                if done:
                    return redirect(url)
                # Nothing changed; an approval is offered again for what is shown now.
                if action == "approve":
                    forms_["approve"] = approve_form(prefix="approve", initial={
                        **form.cleaned_data, "seen": seen})
        live = snapshot(serialize(obj))
        pending = snapshot(draft.data) if draft and draft.data else live
        checks = with_draft_applied(obj, self.publication_checks)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review: {obj}",
            "original": obj,
            "draft": draft,
            "state": draft_state_label(obj, draft),
            "scheduled": scheduled,
            "changes": changes_between(live, pending) if draft and draft.data else [],
            "checks": checks,
            "steps": steps_for(obj),
            "preview_url": obj.get_absolute_url() + ("?preview=draft"
                                                     if draft and draft.data else ""),
            "may_submit": self.has_change_permission(request, obj)
            and not self.submitting_for_someone_else(request, obj, draft),
            "may_approve": self.may_publish(request, obj),
            "awaiting_submission": self.awaiting_submission(draft),
            "own_changes": self.approving_own_changes(request, obj, draft),
            "own_changes_message": OWN_CHANGES,
            # A live item's pending change can be dropped by anyone who may edit the item.
            "may_discard": not why_not_discarded(draft)
            and self.has_change_permission(request, obj),
            "needs_review": bool(self.publish_permission),
            # Taking a live page off the site at once is deleting it, apart from any draft
            # (a change of its unpublish time would wait for a second reviewer).
            "take_down_url": reverse(self.admin_url_name("delete"), args=[obj.pk])
            if getattr(obj, "is_live", False) and self.has_delete_permission(request, obj)
            else "",
            "forms": forms_,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/portal/review.html", context)

    def review_action(self, request, obj, action, data, seen):
        user = request.user
        if action == "discard":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            draft = draft_for(obj)  # as it is now, for the step recorded
            refusal = why_not_discarded(draft)
            if refusal:
                messages.error(request, refusal)
                return False
            draft.delete()
            record_step(obj, action=ReviewStep.Action.DISCARDED, user=user)
            messages.success(request, f"Discarded the changes to \u201c{obj}\u201d: the live "
                                      "page stays as it is.")
            return True
        if action == "submit":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            if self.submitting_for_someone_else(request, obj, draft_for(obj)):
                messages.error(request, "Only the person writing these changes submits them "
                                        "for review, when they are finished.")
                return False
            draft_submit(obj=obj, user=user, comment=data["comment"])
            messages.success(request, f"Sent \u201c{obj}\u201d to the medical reviewers.")
            return True
        if not self.may_publish(request, obj):
            raise PermissionDenied
        draft = draft_for(obj)
        if action == "send_back":
            if draft is None:
                messages.error(request, "There is nothing waiting for review here.")
                return False
            if self.awaiting_submission(draft):
                messages.error(request, "These changes are not submitted for review, so there "
                                        "is nothing to send back: their editor is still "
                                        "working on them.")
                return False
            draft_send_back(obj=obj, user=user, comment=data["comment"])
            messages.success(request, f"Sent \u201c{obj}\u201d back to its editor.")
            return True
        if self.awaiting_submission(draft):
            # Never submitted, sent back, or saved again by its editor after submitting (and
            # so out of the review queue).
            messages.error(request, "These changes are not submitted for review now: their "
                                    "editor may still be working on them. Approve them once "
                                    "they are submitted.")
            return False
        if self.approving_own_changes(request, obj, draft):
            messages.error(request, OWN_CHANGES)
            return False
        if data["seen"] != seen:
            messages.error(request, "These changes were edited after you opened this page, "
                                    "or the page was not fully loaded. Read the changes "
                                    "below again, then approve them.")
            return False
        if hasattr(obj, "mark_reviewed") and not hasattr(user, "reviewer_profile"):
            messages.error(request, "Add your reviewer profile (name and credentials) under "
                                    "Site \u203a Reviewer profiles before approving.")
            return False
        draft_approve(obj=obj, user=user, publish_at=data["publish_at"],
                      comment=data["comment"])
        done = "Approved" if self.publish_permission else "Published"
        if data["publish_at"] is not None and data["publish_at"] > timezone.now():
            done = "Approved and scheduled" if self.publish_permission else "Scheduled"
        messages.success(request, f"{done} \u201c{obj}\u201d.")
        return True

    def approving_own_changes(self, request, obj, draft):
        """Whether a medical reviewer would approve changes they wrote themselves (they saved
        any of them, a restore included, whoever saved or submitted them after): medical
        review is a second person's reading, so another reviewer approves them. Items that
        need no review are published by their editors."""
        return (bool(self.publish_permission) and draft is not None
                and wrote_pending_changes(obj, request.user))

    def awaiting_submission(self, draft):
        """Whether the item's changes (its draft) wait for their editor to submit them for
        review (saved, or sent back, and not submitted since): a reviewer approves only
        submitted work, never a half-finished draft. Items that need no review are published
        by their editors."""
        return (bool(self.publish_permission) and draft is not None
                and draft.state in (Draft.State.EDITING, Draft.State.SENT_BACK))

    def submitting_for_someone_else(self, request, obj, draft):
        """Whether a reviewer would submit a draft someone else last saved: submitting says
        the changes are finished, which only their writer can say; a reviewer submitting them
        could then approve them half-written."""
        if not self.publish_permission or draft is None or draft.author_id is None:
            return False
        return draft.author_id != request.user.pk and self.may_publish(request, obj)

    def publication_checks(self, obj):
        """Problems to fix before publishing: [text]. A model may have its own; otherwise
        its Markdown text is checked (http links, images without a description, links to
        anchors the text does not have)."""
        if hasattr(obj, "publication_checks"):
            return obj.publication_checks()
        problems = []
        for source, html_field in getattr(obj, "markdown_fields", {}).items():
            html = getattr(obj, html_field, "") or ""
            label = str(obj._meta.get_field(source).verbose_name).capitalize()
            problems += text_checks(label, html, anchors=set(re.findall(r'\sid="([^"]+)"', html)))
        return problems


class ReviewedAdminMixin(DraftAdminMixin):
    """Condition pages and stories: only medical reviewers publish them, and only they take
    a published one down by deleting it."""

    publish_permission = "portal.approve_draft"

    def get_readonly_fields(self, request, obj=None):
        # Published only by a reviewer's approval on the review page, which checks that the
        # changes are someone else's and records the review: never by a status in the form.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if "status" in readonly else [*readonly, "status"]

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and obj.status == Publishable.Status.PUBLISHED:
            return self.may_publish(request, obj)
        return allowed
