"""One mailbox, one subscriber: addresses typed in different forms are the same address."""

import unicodedata

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from newsletter import tokens
from newsletter.addresses import address_key, mailbox_key
from newsletter.models import Subscriber
from newsletter.tests.factories import make_topic

pytestmark = pytest.mark.django_db

NFD = unicodedata.normalize("NFD", "idn@bücher.example")
ONE_MAILBOX = [
    "idn@bücher.example",
    "idn@xn--bcher-kva.example",
    "idn@BÜCHER.example",
    "idn@\uff22Ü\uff23\uff28\uff25\uff32.example",  # fullwidth letters
    NFD,
    "\uff49\uff44\uff4e@bücher.example",
]


def signup(client, email, topic, ip="203.0.113.5"):
    return client.post("/newsletter/", {"email": email, "topics": [topic.pk], "consent": "on"},
                       REMOTE_ADDR=ip)


def test_nfd_form_really_differs_from_the_composed_one():
    assert NFD != "idn@bücher.example"


def test_every_spelling_of_one_mailbox_is_one_subscriber(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = len(ONE_MAILBOX)
    topic = make_topic()
    for index, address in enumerate(ONE_MAILBOX):
        response = signup(client, address, topic, ip=f"203.0.113.{index + 1}")
        assert response.status_code == 302, address
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "idn@xn--bcher-kva.example"
    assert subscriber.consents.count() == len(ONE_MAILBOX)


def test_fullwidth_letters_become_ascii():
    topic = make_topic()
    from django.test import Client

    signup(Client(), "confirmed0@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.org", topic)
    signup(Client(), "confirmed0@example.org", topic)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["confirmed0@example.org"]


def test_the_local_part_is_kept_as_typed_and_compared_in_any_case(client):
    topic = make_topic()
    signup(client, "Sam.Lee@Example.ORG", topic)
    signup(client, "sam.lee@example.org", topic)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["Sam.Lee@example.org"]


def test_all_spellings_share_one_rate_limit_bucket(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 3
    topic = make_topic()
    for index, address in enumerate(ONE_MAILBOX[:3]):
        assert signup(client, address, topic, ip=f"198.51.100.{index + 1}").status_code == 302
    assert signup(client, ONE_MAILBOX[3], topic, ip="198.51.100.9").status_code == 429
    assert signup(client, NFD, topic, ip="198.51.100.10").status_code == 429
    assert len(mail.outbox) == 3


def test_unsubscribing_through_one_spelling_covers_all(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = len(ONE_MAILBOX)
    topic = make_topic()
    for address in ONE_MAILBOX:
        signup(client, address, topic)
    subscriber = Subscriber.objects.get()
    client.post(f"/newsletter/unsubscribe/{tokens.manage_token(subscriber)}/",
                {"List-Unsubscribe": "One-Click"})
    for address in ONE_MAILBOX:
        found = Subscriber.objects.get(email_key=address_key(address))
        assert found.state == Subscriber.State.UNSUBSCRIBED


@pytest.mark.parametrize("second", ONE_MAILBOX[1:])
def test_the_database_refuses_a_second_row_for_another_spelling(second):
    Subscriber.objects.create(email="idn@bücher.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email=second)


@pytest.mark.parametrize(("address", "message"), [
    ("sam@localhost", "can receive mail from the internet"),
    ("sam@LOCALHOST", "can receive mail from the internet"),
    ("sam@mailhost", "can receive mail from the internet"),
    ("sam@app.localhost", "can receive mail from the internet"),
    ("sam@[127.0.0.1]", "not an IP address"),
    ("sam@[IPv6:::1]", "not an IP address"),
    ("sam@203.0.113.5", "not an IP address"),
    ("sam@" + "a" * 64 + ".example", "Please enter a whole email address"),
])
def test_local_hosts_and_ip_addresses_are_refused_clearly(client, address, message):
    topic = make_topic()
    response = signup(client, address, topic)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(("address", "inbox"), [
    ("Sam+News@Example.ORG", "sam@example.org"),
    ("sam@example.org", "sam@example.org"),
    ("S.am.Lee+x+y@GoogleMail.com", "samlee@gmail.com"),
    ("s.am@outlook.com", "s.am@outlook.com"),
    ("+tag@example.org", "+tag@example.org"),
    ("...@gmail.com", "...@gmail.com"),
    ("no-at-sign", "no-at-sign"),
])
def test_the_inbox_an_address_reaches(address, inbox):
    assert mailbox_key(address) == inbox
