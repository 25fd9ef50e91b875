"""Signed links in newsletter email: one to confirm a signup, one to manage a subscription."""

import uuid

from django.conf import settings
from django.core import signing

from newsletter.models import Consent, Subscriber

CONFIRM_SALT = "portal.newsletter.confirm"
MANAGE_SALT = "portal.newsletter.manage"


class LinkError(Exception):
    """A link that cannot be used; `reason` picks the explanation shown to the visitor."""

    def __init__(self, reason, status=400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def confirm_token(consent):
    """Links name rows by a random public id, so they tell nothing about how many exist."""
    return signing.dumps({"c": str(consent.public_id)}, salt=CONFIRM_SALT)


def manage_token(subscriber):
    """Unsubscribe and preferences links: they do not expire, as old emails must keep working."""
    return signing.Signer(salt=MANAGE_SALT).sign_object({"s": str(subscriber.public_id)})


def consent_from_token(token):
    try:
        payload = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_DAYS * 24 * 60 * 60
        )
    except signing.SignatureExpired as error:
        raise LinkError("expired") from error
    except signing.BadSignature as error:
        raise LinkError("invalid") from error
    return _get(Consent.objects.select_related("subscriber"), payload, "c")


def subscriber_from_token(token):
    try:
        payload = signing.Signer(salt=MANAGE_SALT).unsign_object(token)
    except signing.BadSignature as error:
        raise LinkError("invalid") from error
    return _get(Subscriber.objects.all(), payload, "s")


def _get(queryset, payload, key):
    try:
        return queryset.get(public_id=uuid.UUID(payload[key]))
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise LinkError("invalid") from error
    except queryset.model.DoesNotExist as error:
        raise LinkError("gone", status=404) from error
