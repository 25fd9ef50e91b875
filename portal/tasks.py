"""Housekeeping for the whole site."""

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

from portal.schedule import Job


@task()
def clear_expired_sessions():
    """Expired sessions (and the sign-in state they held) are deleted, not kept forever."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return {"deleted": deleted}


SCHEDULE = [Job("clear expired sessions", clear_expired_sessions, daily_at=3)]
