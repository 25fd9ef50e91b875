"""Email goes out through the task queue: the request that asks for a message answers at once,
and a worker sends it, trying again with growing pauses while the mail server is down.

The pauses add up to about two hours, so a mail server that is down for an hour loses nothing.
Only the last failed try is left as a failed task (visible in the admin under "Tasks")."""

import datetime
import logging
import smtplib
from email import policy as mail_policy

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_MINUTES = [1, 2, 4, 8, 16, 32, 64]


class EmailNotDelivered(Exception):
    """The mail server refused a message on every try."""


class PortalMessage(EmailMultiAlternatives):
    """Lines of up to RFC 5322's 998 characters keep links whole: at 78, a List-Unsubscribe
    header would be folded into encoded words that mail programs cannot read, and the bodies
    quoted-printable encoded, breaking the links printed by the console backend."""

    def message(self, *, policy=mail_policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def message_data(message):
    """What a task needs to build the message again: plain JSON."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": [[content, mimetype]
                         for content, mimetype in getattr(message, "alternatives", [])],
    }


def send_later(message):
    """Queue an email for a task worker (in make run and tests it is sent at once)."""
    return deliver_email.enqueue(message_data(message), 1)


@task()
def deliver_email(data, attempt):
    message = PortalMessage(
        subject=data["subject"], body=data["body"], from_email=data["from_email"],
        to=data["to"], headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        recipients = ", ".join(data["to"])
        if attempt > len(RETRY_MINUTES) or not deliver_email.get_backend().supports_defer:
            raise EmailNotDelivered(
                f"{data['subject']!r} to {recipients} was not sent after {attempt} tries: {error}"
            ) from error
        pause = datetime.timedelta(minutes=RETRY_MINUTES[attempt - 1])
        logger.warning("Email to %s not sent (try %s): %s; trying again in %s",
                       recipients, attempt, error, pause)
        deliver_email.using(run_after=timezone.now() + pause).enqueue(data, attempt + 1)
        return {"sent": False, "next_try": attempt + 1}
    return {"sent": True, "tries": attempt}
