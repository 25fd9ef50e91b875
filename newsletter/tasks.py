"""The newsletter's recurring work."""

from django.tasks import task

from newsletter.services import newsletter_purge
from portal.schedule import Job


@task()
def purge_expired_personal_data():
    """What the retention periods of the privacy notice no longer allow us to keep."""
    return newsletter_purge()


SCHEDULE = [Job("newsletter retention purge", purge_expired_personal_data, daily_at=2)]
