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


# Each run looks back over three of its intervals, so a run that was late or failed once is
# made up for by the next (writing a document twice does no harm).
SEARCH_SCHEDULE_INTERVAL = datetime.timedelta(minutes=5)


@task()
def refresh_search_for_schedule():
    """A condition or location that goes live (or ends) at a set time is found through the
    care sites, services and trials that list it from then on."""
    from portal.cache import catch_up_search

    # Since the last catch-up, by this task or by the first page asked for after a time.
    return {"written": catch_up_search(timezone.now())}


@task()
def forget_old_searches():
    """Search counts are kept for a year (the privacy notice says so), then deleted: what
    someone typed in the search box is not kept for ever."""
    from portal.models import SearchQueryStat
    from portal.search import KEEP_COUNTS_DAYS

    oldest = timezone.localdate() - datetime.timedelta(days=KEEP_COUNTS_DAYS)
    deleted, _ = SearchQueryStat.objects.filter(day__lt=oldest).delete()
    return {"deleted": deleted}


@task()
def forget_removed_words():
    """"Did you mean" offers only words of live pages: the words of pages changed,
    unpublished or deleted since are dropped each night (portal.search.rebuild_words)."""
    from portal.search import rebuild_words

    return {"words": rebuild_words()}


SCHEDULE = [
    Job("clear expired sessions", clear_expired_sessions, daily_at=3),
    Job("forget old searches", forget_old_searches, daily_at=3),
    Job("search: words of removed pages", forget_removed_words, daily_at=3),
    Job("publish approved changes", publish_approved_changes,
        interval=datetime.timedelta(minutes=5)),
    Job("search: scheduled publishing", refresh_search_for_schedule,
        interval=SEARCH_SCHEDULE_INTERVAL),
]
