"""Housekeeping for the whole site."""

import datetime

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

from portal.schedule import Job


@task()
def clear_expired_sessions():
    """Expired sessions (and the sign-in state they held) are deleted, not kept forever."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return {"deleted": deleted}


@task()
def publish_approved_changes():
    """Approved changes to live pages go live when their publishing time comes."""
    from portal.publishing import publish_due_drafts

    return {"published": publish_due_drafts()}


@task()
def forget_old_searches():
    """Search counts are kept for a year (the privacy notice says so), then deleted: what
    someone typed in the search box is not kept for ever."""
    from portal.models import SearchQueryStat
    from portal.search import KEEP_COUNTS_DAYS

    oldest = timezone.localdate() - datetime.timedelta(days=KEEP_COUNTS_DAYS)
    deleted, _ = SearchQueryStat.objects.filter(day__lt=oldest).delete()
    return {"deleted": deleted}


SCHEDULE = [
    Job("clear expired sessions", clear_expired_sessions, daily_at=3),
    Job("forget old searches", forget_old_searches, daily_at=3),
    Job("publish approved changes", publish_approved_changes,
        interval=datetime.timedelta(minutes=5)),
]
