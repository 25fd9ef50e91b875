"""Trials, and studies saved from the registry, for the tests of every app."""

import datetime
import json
from pathlib import Path

from django.utils import timezone

from trials.models import OverallStatus, Trial

PAST = timezone.now() - datetime.timedelta(days=1)
STUDY_FILES = Path(__file__).parent / "fixtures"  # ClinicalTrials.gov API v2 responses


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


def study_file(name):
    """A saved registry response, parsed."""
    return json.loads((STUDY_FILES / name).read_text())


def study_of(name):
    """The one study of a saved response, bare or wrapped in {"studies": [...]}."""
    data = study_file(name)
    return data["studies"][0] if "studies" in data else data
