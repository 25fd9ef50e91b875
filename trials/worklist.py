"""What the admin index lists for trial coordinators."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from portal.models import Draft
from portal.templatetags.portal_admin import draft_items
from trials.models import StatusGroup, Trial

STALE_AFTER_DAYS = 30


def sections(user):
    if not user.has_perm("trials.change_trial"):
        return []
    stale = timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)
    mine = Trial.objects.coordinated_by(user)
    closed = mine.in_group(StatusGroup.CLOSED).values_list("pk", flat=True)
    # A trial typed in by hand (never synced) is not expected to sync: it needs a look when
    # nobody has updated it for as long.
    registry = Q(source=Trial.Source.CTGOV) | Q(last_synced_at__isnull=False)
    attention = mine.filter(
        Q(pk__in=closed)
        | (registry & (Q(last_synced_at__lt=stale) | Q(last_synced_at__isnull=True)))
        | (~registry & Q(updated_at__lt=stale))
    ).order_by("nct_id")[:20]
    items = []
    for trial in attention:
        reasons = []
        if trial.status_group == StatusGroup.CLOSED:
            reasons.append(f"registry status: {trial.get_overall_status_display()}")
        from_registry = trial.source == Trial.Source.CTGOV or trial.last_synced_at is not None
        if from_registry and (trial.last_synced_at is None or trial.last_synced_at < stale):
            reasons.append("not synced for over 30 days")
        elif not from_registry and trial.updated_at < stale:
            reasons.append("entered here, not updated for over 30 days")
        items.append({"label": f"{trial.nct_id} {trial.brief_title}",
                      "url": reverse("admin:trials_trial_change", args=[trial.pk]),
                      "note": "; ".join(reasons)})
    return [{
        "title": "Your trials that need a look",
        "items": items,
        "empty": "All your trials are open, and synced or updated in the last 30 days.",
        "link": (reverse("admin:trials_trial_import"), "Import from ClinicalTrials.gov"),
    }, {
        "title": "Changes to your trials not published yet",
        "items": draft_items(Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(Trial), data__isnull=False,
            object_id__in=mine.annotate(key=Cast("pk", CharField())).values("key"),
        ).order_by("updated_at")),
        "empty": "Every change to your trials is published.",
    }]
