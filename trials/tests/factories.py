"""Trials for the tests of every app."""

import datetime

from django.utils import timezone

from trials.models import OverallStatus, Trial

PAST = timezone.now() - datetime.timedelta(days=1)


def nct(number):
    return f"NCT{number:08d}"


def make_trial(nct_id, coordinators=(), **fields):
    """A published, recruiting trial kept by the given coordinators."""
    defaults = {
        "brief_title": f"Trial {nct_id}",
        "overall_status": OverallStatus.RECRUITING,
        "status": Trial.Status.PUBLISHED,
        "publish_at": PAST,
    }
    trial = Trial.objects.create(nct_id=nct_id, **{**defaults, **fields})
    if coordinators:
        trial.coordinators.set(coordinators)
    return trial
