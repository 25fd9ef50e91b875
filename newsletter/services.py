"""Newsletter subscriptions: signup, confirmation, leaving, and purging old personal data."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsletter import tokens
from newsletter.addresses import address_key, normalise
from newsletter.models import Consent, Subscriber
from pages.models import PrivacyNotice
from portal.mail import PortalMessage, send_later

State = Subscriber.State
logger = logging.getLogger(__name__)


def subscription_request(*, email, topics, wording, ip_address=None, user_agent=""):
    """Record a signup and queue the one email it calls for.

    A new, waiting or unsubscribed address gets a consent record and a confirmation link; a
    subscribed one gets a note that it already is. The visitor is told the same either way.
    """
    email = normalise(email)
    notice = PrivacyNotice.objects.in_force()
    with transaction.atomic():
        subscriber = _subscriber_for_update(email)
        if subscriber.state == State.CONFIRMED:
            message = newsletter_email(
                subscriber, "You are already subscribed", "newsletter_already_subscribed"
            )
        else:
            consent = subscriber.consents.create(
                wording=wording,
                privacy_version=notice.version if notice else "",
                topic_names="; ".join(topic.name for topic in topics),
                ip_address=ip_address,
                user_agent=user_agent[:300],
            )
            consent.topics.set(topics)
            subscriber.state = State.PENDING
            subscriber.requested_at = consent.given_at
            subscriber.save(update_fields=["state", "requested_at"])
            confirm_url = absolute_url("newsletter:confirm", tokens.confirm_token(consent))
            message = newsletter_email(
                subscriber, "Please confirm your newsletter signup", "newsletter_confirm",
                {"topics": topics, "confirm_url": confirm_url,
                 "days": settings.NEWSLETTER_CONFIRM_DAYS},
            )
    send_later(message)
    return subscriber


def _subscriber_for_update(email):
    """The subscriber with this address however typed (its key), created if new, locked for
    this update.

    Two simultaneous signups of one address both find none; the database's unique index lets
    one insert through and the other falls back to that row.
    """
    matching = Subscriber.objects.select_for_update().filter(email_key=address_key(email))
    subscriber = matching.first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email)
        except IntegrityError:
            subscriber = matching.get()
    return subscriber


def subscription_confirm(*, consent):
    """Confirm a signup from its emailed link. False when it was confirmed already."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=consent.subscriber_id)
        if subscriber.state == State.CONFIRMED:
            return False
        consent.refresh_from_db()
        if not is_confirmable(consent, subscriber):
            raise tokens.LinkError("replaced")
        now = timezone.now()
        consent.confirmed_at = now
        consent.save(update_fields=["confirmed_at"])
        subscriber.state = State.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["state", "confirmed_at", "unsubscribed_at"])
        subscriber.topics.set(consent.topics.all())
        message = newsletter_email(
            subscriber, "Welcome to our newsletter", "newsletter_welcome",
            {"topics": subscriber.topics.all()},
        )
    send_later(message)
    return True


def is_confirmable(consent, subscriber):
    """Only the latest signup of an address waiting for confirmation can be confirmed."""
    return (
        subscriber.state == State.PENDING
        and consent.confirmed_at is None
        and subscriber.consents.latest().pk == consent.pk
    )


def subscription_unsubscribe(*, subscriber):
    """Stop all email to a subscriber at once. Safe to repeat."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.state != State.UNSUBSCRIBED:
            subscriber.state = State.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["state", "unsubscribed_at"])
            subscriber.topics.clear()
    return subscriber


def newsletter_purge(*, now=None):
    """Delete what the retention periods no longer allow us to keep; returns counts."""
    now = now or timezone.now()

    def days_ago(days):
        return now - datetime.timedelta(days=days)

    def delete(subscribers):
        _, deleted = subscribers.delete()
        return deleted.get(Subscriber._meta.label, 0)

    with transaction.atomic():
        pending = delete(Subscriber.objects.filter(
            state=State.PENDING,
            requested_at__lt=days_ago(settings.NEWSLETTER_PENDING_RETENTION_DAYS),
        ))
        unsubscribed = delete(Subscriber.objects.filter(
            state=State.UNSUBSCRIBED,
            unsubscribed_at__lt=days_ago(settings.NEWSLETTER_UNSUBSCRIBED_RETENTION_DAYS),
        ))
        network = (
            Consent.objects.filter(
                given_at__lt=days_ago(settings.NEWSLETTER_NETWORK_RETENTION_DAYS)
            )
            .exclude(ip_address__isnull=True, user_agent="")
            .update(ip_address=None, user_agent="")
        )
    return {"pending": pending, "unsubscribed": unsubscribed, "network": network}


def absolute_url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def newsletter_email(subscriber, subject, template, context=None):
    """An email to one subscriber, as plain text and HTML, with the links to leave."""
    token = tokens.manage_token(subscriber)
    unsubscribe_url = absolute_url("newsletter:unsubscribe", token)
    context = {
        **(context or {}),
        "subject": subject,
        "portal_name": settings.PORTAL_NAME,
        "site_url": settings.SITE_URL,
        "privacy_url": absolute_url("pages:privacy"),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute_url("newsletter:preferences", token),
    }
    message = PortalMessage(
        subject=f"{subject} | {settings.PORTAL_NAME}",
        body=render_to_string(f"email/{template}.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    return message
