"""Emailed links name subscribers and signups by random public ids, never by row numbers."""

import re

import pytest
from django.core import mail, signing

from newsletter import tokens
from newsletter.models import Consent, Subscriber
from newsletter.tests.factories import make_topic

pytestmark = pytest.mark.django_db


def payload(token):
    return signing.b64_decode(token.split(":")[0].encode()).decode()


def test_links_do_not_expose_sequential_ids(client):
    topic = make_topic()
    for name in ["a", "b"]:
        client.post("/newsletter/", {"email": f"{name}@example.org", "topics": [topic.pk],
                                     "consent": "on"})
    for message in mail.outbox:
        for token in re.findall(r"/newsletter/\w+/([^/\s]+)/", message.body):
            assert not re.search(r'\d+[,}]', payload(token)), payload(token)
    subscriber = Subscriber.objects.first()
    consent = Consent.objects.first()
    assert str(subscriber.public_id) in payload(tokens.manage_token(subscriber))
    assert tokens.subscriber_from_token(tokens.manage_token(subscriber)) == subscriber
    assert tokens.consent_from_token(tokens.confirm_token(consent)) == consent


def test_a_signed_row_number_is_not_a_valid_link(client):
    subscriber = Subscriber.objects.create(email="sam@example.org")
    old_style = signing.Signer(salt=tokens.MANAGE_SALT).sign_object({"s": subscriber.pk})
    response = client.get(f"/newsletter/unsubscribe/{old_style}/")
    assert response.status_code == 400
