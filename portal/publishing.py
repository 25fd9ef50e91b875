"""Drafts of live pages and their medical review.

A live item keeps its content where it is; a change to it is kept as a Draft holding the
serialized item and every part its revisions follow (sections, subsections...). Applying a
draft writes that content over the live one; staff preview and compare a draft by applying
it inside a transaction that is rolled back.
"""

import datetime
import hashlib
import json
import logging

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from reversion.revisions import _follow_relations_recursive

from portal.cache import content_changed, provisional
from portal.diff import changes_between
from portal.mail import PortalMessage, send_later
from portal.models import Draft, Publishable, ReviewStep

MEDICAL_REVIEWERS = "Medical reviewers"

logger = logging.getLogger(__name__)


class _RolledBack(Exception):
    def __init__(self, result):
        self.result = result


def rolled_back(function):
    """Run function() in a transaction that is undone afterwards; return its result. What it
    writes never reaches the page cache (portal.cache.provisional)."""
    try:
        with transaction.atomic(), provisional():
            raise _RolledBack(function())
    except _RolledBack as done:
        return done.result


def parts(obj):
    return list(_follow_relations_recursive(obj))


def serialize(obj):
    """The item and its parts as JSON-ready data (the Draft.data format)."""
    return json.loads(serializers.serialize("json", parts(obj)))


def serialize_fields(obj, names):
    """The item's fields `names` as serialize() writes them."""
    return json.loads(serializers.serialize("json", [obj], fields=names))[0]["fields"]


def snapshot(data):
    """{(model label, pk): fields} of serialized data, for comparing."""
    return {(item["model"], str(item["pk"])): item["fields"] for item in data}


def fingerprint(obj, draft=None):
    """A short digest of what a reviewer is shown: the pending draft, or the item itself when
    it has no separate draft (an item never published is edited in place). An approval names
    the fingerprint it saw, so a change made after the review page was opened is not
    approved unseen."""
    data = draft.data if draft is not None and draft.data else serialize(obj)
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def forget_drafts(sender, instance, **kwargs):
    """A deleted item's draft goes with it (it would be listed with a link to nothing)."""
    if isinstance(instance, Publishable):
        Draft.objects.filter(content_type=ContentType.objects.get_for_model(instance),
                             object_id=str(instance.pk)).delete()


def draft_for(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return Draft.objects.filter(content_type=content_type, object_id=str(obj.pk)).first()


def apply_data(obj, data):
    """Write serialized content over the item: parts missing from it are deleted, new parts
    are created with the ids they had when the draft was saved, or with new ids when those
    are taken. A draft is applied afresh each time its form is shown and again when the form
    is saved: a new row keeps its id from one to the other, as the form's hidden id field
    needs (PostgreSQL never hands out an id twice, so a row made again would get another).

    The item's fields that no form edits (editable=False) keep their live values: the
    portal writes them itself (a trial's last check with the registry) or works them out
    on saving, so a draft's older copy of them is never written back."""
    item_key = (obj._meta.label_lower, str(obj.pk))
    live_keys = {(p._meta.label_lower, str(p.pk)) for p in parts(obj)}
    wanted = {(item["model"], str(item["pk"])) for item in data}
    for part in reversed(parts(obj)):
        if (part._meta.label_lower, str(part.pk)) not in wanted and part.pk is not None:
            part.delete()
    new_ids = {}
    for deserialized in serializers.deserialize("json", json.dumps(data)):
        instance = deserialized.object
        key = (instance._meta.label_lower, str(instance.pk))
        if key == item_key:
            for field in instance._meta.concrete_fields:
                if not field.editable and not field.primary_key:
                    setattr(instance, field.attname, getattr(obj, field.attname))
        for field in instance._meta.concrete_fields:
            if field.is_relation and field.many_to_one:
                target = (field.related_model._meta.label_lower,
                          str(getattr(instance, field.attname)))
                if target in new_ids:
                    setattr(instance, field.attname, new_ids[target])
        if key in live_keys:
            instance.save()
        else:
            model = type(instance)
            if instance.pk is not None and model._base_manager.filter(pk=instance.pk).exists():
                instance.pk = None
            instance._state.adding = True
            instance.save(force_insert=True)
        for name, values in deserialized.m2m_data.items():
            getattr(instance, name).set(values)
        new_ids[key] = instance.pk
    return type(obj)._default_manager.get(pk=obj.pk)


def with_draft_applied(obj, function):
    """function(item as its draft would make it), run and then undone."""
    draft = draft_for(obj)

    def run():
        current = apply_data(obj, draft.data) if draft and draft.data else obj
        return function(current)

    try:
        return rolled_back(run)
    except DatabaseError:
        # A draft that can no longer be written (its address taken since): what it would
        # make cannot be shown, so the item as it is.
        logger.exception("Could not apply the draft of %r", obj)
        return function(obj)


def with_fields_of(data, live, model, names):
    """Serialized data (the Draft.data format) with the named fields of the model's items
    given their values in `live`, serialized data of the same items. Changes data in place."""
    label = model._meta.label_lower
    current = {str(item["pk"]): item["fields"] for item in live if item["model"] == label}
    for item in data:
        fields = current.get(str(item["pk"])) if item["model"] == label else None
        if fields is not None:
            item["fields"].update({name: fields[name] for name in names if name in fields})
    return data


def draft_take_live(obj, *, fields=(), part_models=(),
                    written_by="an update of the live item"):
    """Carry into the item's pending draft what was just written to the live item from
    elsewhere (a trial's registry record): these fields of the item, and all its parts of
    these models, so that publishing the draft later does not write the older ones back.
    The rest of the draft, its editor's changes, stays. A draft left with no change against
    the live item is dropped, with a review step naming written_by. A draft that cannot be
    read any more is left as it is (and logged): the live item's update goes on."""
    draft = draft_for(obj)
    if draft is None or not draft.data:
        return
    live = serialize(obj)
    labels = {model._meta.label_lower for model in part_models}
    try:
        with transaction.atomic():
            data = [item for item in json.loads(json.dumps(draft.data))
                    if item["model"] not in labels]
            # Values worked out on saving (a trial's status group) are left as they are:
            # publishing works them out again (apply_data), and no review lists them.
            with_fields_of(data, live, type(obj), fields)
            data += [item for item in live if item["model"] in labels]
            if snapshot(data) == snapshot(draft.data):
                return
            if not changes_between(snapshot(live), snapshot(data)):
                draft.delete()
                record_step(obj, action=ReviewStep.Action.DISCARDED, user=None, comment=(
                    f"Dropped: every change in it was to what {written_by} sets, and that "
                    "has been written since."))
                return
            draft.data = data
            draft.save(update_fields=["data", "updated_at"])
    except (LookupError, DatabaseError):  # a model a stale draft names; the save
        logger.exception("The pending draft of %s could not take the live item's new values.",
                         obj)


# The review workflow --------------------------------------------------------------------------

def record_step(obj, *, action, user, comment=""):
    return ReviewStep.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        action=action, user=user, comment=comment,
    )


def steps_for(obj):
    return ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("user")


# Steps that end a round of changes: what was written before them is published or dropped.
ROUND_ENDS = [ReviewStep.Action.APPROVED, ReviewStep.Action.SCHEDULED,
              ReviewStep.Action.PUBLISHED, ReviewStep.Action.DISCARDED]


def wrote_pending_changes(obj, user):
    """Whether `user` saved any of the item's changes waiting now (since they were last
    published or discarded), however many others saved or submitted them after."""
    steps = steps_for(obj)
    last_end = steps.filter(action__in=ROUND_ENDS).order_by("-created_at", "-id").first()
    if last_end is not None:
        steps = steps.filter(id__gt=last_end.id)
    return steps.filter(action=ReviewStep.Action.SAVED, user=user).exists()


# The steps of which the latest says whether a sending back still waits for an answer: it
# does when that step is the sending back itself.
SEND_BACK_STEPS = [ReviewStep.Action.SENT_BACK, ReviewStep.Action.SUBMITTED, *ROUND_ENDS]


def pending_send_back(obj):
    """The reviewer's sending back that the item's waiting changes answer, while they have
    not been submitted again (nor published or discarded): else None."""
    last = steps_for(obj).filter(action__in=SEND_BACK_STEPS).order_by(
        "-created_at", "-id").first()
    return last if last is not None and last.action == ReviewStep.Action.SENT_BACK else None


def draft_save(*, obj, user, data=None):
    """Keep the editor's change (data for a live item, None when saved in place). A change
    to an approved draft withdraws the approval: the history says so, and the draft returned
    carries the approved one it replaced as `withdrawn` (None when there was none)."""
    before = draft_for(obj)
    withdrawn = before is not None and before.state == Draft.State.APPROVED
    draft, _ = Draft.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        defaults={"item_name": str(obj), "author": user, "state": Draft.State.EDITING,
                  **({"data": data} if data is not None else {})},
    )
    comment = ("Changed after approval: the approval is withdrawn and the changes need "
               "review again." if withdrawn else "")
    record_step(obj, action=ReviewStep.Action.SAVED, user=user, comment=comment)
    draft.withdrawn = before if withdrawn else None
    return draft


def reviewers():
    return get_user_model().objects.filter(
        groups__name=MEDICAL_REVIEWERS, is_active=True
    ).exclude(email="")


def notify(draft, *, subject, message, to_author=True, to_reviewers=True):
    """Email the item's editor and the medical reviewers about a review step."""
    recipients = {user.email for user in reviewers()} if to_reviewers else set()
    if to_author and draft.author and draft.author.email:
        recipients.add(draft.author.email)
    if not recipients:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(
        f"admin:{draft.content_type.app_label}_{draft.content_type.model}_review",
        args=[draft.object_id],
    )
    send_later(PortalMessage(
        subject=f"{subject}: {draft.item_name}",
        body=f"{message}\n\nOpen the review page: {url}\n",
        to=sorted(recipients),
    ))


@transaction.atomic
def draft_submit(*, obj, user, comment=""):
    draft = draft_for(obj) or draft_save(obj=obj, user=user)
    draft.state = Draft.State.IN_REVIEW
    draft.author = user
    draft.save()
    record_step(obj, action=ReviewStep.Action.SUBMITTED, user=user, comment=comment)
    notify(draft, subject="Ready for medical review",
           message=f"{who(user)} asks for a review of {draft.item_name}."
           + (f"\n\nTheir note: {comment}" if comment else ""))
    return draft


@transaction.atomic
def draft_send_back(*, obj, user, comment):
    draft = draft_for(obj)
    draft.state = Draft.State.SENT_BACK
    draft.save()
    record_step(obj, action=ReviewStep.Action.SENT_BACK, user=user, comment=comment)
    notify(draft, subject="Sent back with a comment",
           message=f"{who(user)} sent {draft.item_name} back:\n\n{comment}")
    return draft


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def who(user):
    if user is None:
        return "The portal"
    profile = getattr(user, "reviewer_profile", None)
    return str(profile) if profile else (user.get_full_name() or user.get_username())


def scheduled_for(obj, draft=None):
    """When an item that is not live yet goes live, as its pending changes would have it
    (they may move the time); None for a live item, or one with no time ahead."""
    if obj.is_live:
        return None
    publish_at = obj.publish_at
    if draft is not None and draft.data:
        fields = snapshot(draft.data).get((obj._meta.label_lower, str(obj.pk)), {})
        publish_at = parse_datetime(fields.get("publish_at") or "") or publish_at
    return publish_at if publish_at > timezone.now() else None


@transaction.atomic
def draft_approve(*, obj, user, publish_at=None, comment=""):
    """Approve an item: publish it now, or at publish_at. A live item's pending change waits
    as an approved draft until then; an item that is not live yet takes its changes at once
    and is simply scheduled (the public sees nothing of it before then)."""
    draft = draft_for(obj) or draft_save(obj=obj, user=user)
    later = publish_at is not None and publish_at > timezone.now()
    when = f"{timezone.localtime(publish_at):%Y-%m-%d %H:%M}" if later else ""
    waits = later and bool(draft.data) and obj.is_live
    if waits:
        draft.state = Draft.State.APPROVED
        draft.publish_at = publish_at
        draft.save()
        publish_when_due(publish_at)
        # Its time is now part of the publishing schedule, which cached pages obey and
        # which is kept per content version (portal.cache): a new version works it out.
        content_changed()
    else:
        obj = draft_publish(draft=draft, user=user, publish_at=publish_at if later else None)
    # Content its editors publish themselves is published, not approved: no review took
    # place, and the medical reviewers are not told.
    reviewed = obj.medical_review
    action = (ReviewStep.Action.SCHEDULED if later else
              ReviewStep.Action.APPROVED if reviewed else ReviewStep.Action.PUBLISHED)
    record_step(obj, action=action, user=user,
                comment=comment or (f"To publish at {when}." if later else ""))
    done = "approved" if reviewed else "published"
    notify(draft, subject=done.capitalize(), to_reviewers=reviewed,
           message=f"{who(user)} {done} {draft.item_name}; "
           + (f"it goes live at {when}." if later else "it is live now."))
    if not waits:
        draft.delete()
    return obj


def publish_when_due(publish_at):
    """Ask a task worker to publish the approved changes at their time, to the minute (the
    schedule's five-minute round, run_schedule, publishes them too, should this be lost).
    Queued once the approval is saved; a backend that cannot wait leaves it to the schedule."""
    from portal.tasks import publish_approved_changes

    if publish_approved_changes.get_backend().supports_defer:
        transaction.on_commit(
            lambda: publish_approved_changes.using(run_after=publish_at).enqueue())


def draft_publish(*, draft, user, publish_at=None):
    """Write the draft over the item, mark it reviewed and published, as one revision."""
    obj = draft.item
    now = timezone.now()
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"Published after review by {who(user)}."
                              if obj.medical_review else f"Published by {who(user)}.")
        if draft.data:
            obj = apply_data(obj, draft.data)
        if hasattr(obj, "mark_reviewed") and user is not None:
            obj.mark_reviewed(user)
        obj.status = obj.Status.PUBLISHED
        if publish_at is not None:
            obj.publish_at = publish_at
        elif obj.publish_at > now:
            obj.publish_at = now
        obj.save()
    return obj


def publish_due_drafts(now=None):
    """Publish the approved drafts whose time has come (run by the schedule every five
    minutes, by the publish_approved command and when the review queue is opened)."""
    now = now or timezone.now()
    published = 0
    due = Draft.objects.filter(state=Draft.State.APPROVED, publish_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                # Each change once, however many lists are opened at the same moment.
                draft = due.select_for_update(skip_locked=True).filter(pk=pk).first()
                if draft is None:
                    continue
                step = steps_for(draft.item).filter(action=ReviewStep.Action.SCHEDULED).last()
                draft_publish(draft=draft, user=step.user if step else None)
                record_step(draft.item, action=ReviewStep.Action.PUBLISHED, user=None)
                draft.delete()
                published += 1
        except DatabaseError:
            # One change that cannot be written (its address taken since it was approved)
            # must not stop the others, nor the admin pages that publish on the way: it
            # waits, approved, for someone to change it, and the error is logged.
            logger.exception("Could not publish the approved change %s", pk)
    return published
