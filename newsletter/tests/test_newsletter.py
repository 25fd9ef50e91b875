"""The newsletter: double opt-in, consent records, leaving, abuse limits and purging."""

import datetime
import email.policy
import io
import re
import threading
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from conditions.tests.factories import make_condition
from newsletter import services, tokens
from newsletter.forms import CONSENT_WORDING
from newsletter.models import Consent, Subscriber, Topic
from newsletter.tests.factories import make_topic
from pages.models import PrivacyNotice
from portal.tests.support import active_content

pytestmark = pytest.mark.django_db

State = Subscriber.State


# Factories and helpers -----------------------------------------------------------------------


@pytest.fixture
def topics():
    return [make_topic("General news", order=0), make_topic("Neuroblastoma", order=1)]


@pytest.fixture
def notice():
    return PrivacyNotice.objects.create(
        version="2025-01", effective_date=datetime.date(2025, 1, 6), body="We keep little.",
        status=PrivacyNotice.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
    )


def signup(client, email="sam@example.org", topics=(), consent=True, ip="203.0.113.5",
           **extra):
    data = {"email": email, "topics": [t.pk for t in topics], **extra}
    if consent:
        data["consent"] = "on"
    return client.post("/newsletter/", data, REMOTE_ADDR=ip, HTTP_USER_AGENT="TestBrowser/1.0")


def links_in(message):
    return re.findall(r"http://127\.0\.0\.1:8000(/newsletter/[\w-]+/[^/\s\"<>]+/)", message.body)


def link_in(message, kind):
    return next(link for link in links_in(message) if link.startswith(f"/newsletter/{kind}/"))


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def confirmed_subscriber(email="sam@example.org", topics=()):
    subscriber = Subscriber.objects.create(
        email=email, state=State.CONFIRMED, confirmed_at=timezone.now()
    )
    subscriber.topics.set(topics)
    return subscriber


def manage_path(kind, subscriber):
    return f"/newsletter/{kind}/{tokens.manage_token(subscriber)}/"


# The whole flow ------------------------------------------------------------------------------

def test_signup_confirm_preferences_and_one_click_unsubscribe(client, topics, notice, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    general, neuroblastoma = topics

    response = signup(client, "Sam.Lee@Example.org", topics=[neuroblastoma])
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/thanks/"
    assert b"Please check your email" in client.get("/newsletter/thanks/").content

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Sam.Lee@example.org"
    assert subscriber.state == State.PENDING
    assert list(subscriber.topics.all()) == []  # topics apply once confirmed
    consent = subscriber.consents.get()
    assert consent.wording == CONSENT_WORDING
    assert consent.privacy_version == "2025-01"
    assert consent.topic_names == "Neuroblastoma"
    assert list(consent.topics.all()) == [neuroblastoma]
    assert consent.ip_address == "203.0.113.5"
    assert consent.user_agent == "TestBrowser/1.0"
    assert consent.confirmed_at is None

    [confirmation] = mail.outbox
    assert confirmation.to == ["Sam.Lee@example.org"]
    assert "confirm" in confirmation.subject.lower()
    assert "Neuroblastoma" in confirmation.body
    assert "Neuroblastoma" in html_of(confirmation)
    confirm_path = link_in(confirmation, "confirm")

    # Opening the link shows a button; only pressing it confirms (mail scanners open links).
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"Yes, start my subscription" in page.content
    subscriber.refresh_from_db()
    assert subscriber.state == State.PENDING

    done = client.post(confirm_path)
    assert done.status_code == 200
    assert b"You are subscribed" in done.content
    subscriber.refresh_from_db()
    consent.refresh_from_db()
    assert subscriber.state == State.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert consent.confirmed_at == subscriber.confirmed_at
    assert list(subscriber.topics.all()) == [neuroblastoma]

    welcome = mail.outbox[1]
    assert "Welcome" in welcome.subject
    # Confirming twice is harmless and sends nothing more.
    again = client.post(confirm_path)
    assert b"You are already subscribed" in again.content
    assert len(mail.outbox) == 2

    preferences_path = link_in(welcome, "preferences")
    page = client.get(preferences_path)
    assert page.status_code == 200
    assert b"Sam.Lee@example.org" in page.content
    saved = client.post(preferences_path, {"topics": [general.pk, neuroblastoma.pk]})
    assert saved.status_code == 302
    assert b"Your topics are saved" in client.get(saved["Location"]).content
    assert set(subscriber.topics.all()) == {general, neuroblastoma}

    unsubscribe_path = link_in(welcome, "unsubscribe")
    assert welcome.extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000{unsubscribe_path}>"
    )
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_path, {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert not subscriber.topics.exists()
    assert len(mail.outbox) == 2


def test_every_email_has_text_html_and_the_links_to_leave(client, topics, settings):
    settings.SITE_URL = "https://portal.example.org"
    signup(client, topics=topics[:1])
    confirm_path = re.search(r"https://portal\.example\.org(/newsletter/confirm/\S+/)",
                             mail.outbox[0].body)[1]
    client.post(confirm_path)
    signup(client, topics=topics[:1])  # already subscribed
    assert [m.subject.split(" | ")[0] for m in mail.outbox] == [
        "Please confirm your newsletter signup", "Welcome to our newsletter",
        "You are already subscribed",
    ]
    subscriber = Subscriber.objects.get()
    token = tokens.manage_token(subscriber)
    unsubscribe_url = f"https://portal.example.org/newsletter/unsubscribe/{token}/"
    preferences_url = f"https://portal.example.org/newsletter/preferences/{token}/"
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = html_of(message)
        for text in (message.body, html):
            assert unsubscribe_url in text
            assert preferences_url in text
            assert "https://portal.example.org/privacy/" in text
        assert ">Unsubscribe</a>" in html
        # As SMTP sends it: the link stays readable, on one line, not in encoded words.
        raw = message.message(policy=email.policy.SMTP).as_bytes().decode()
        assert f"\r\nList-Unsubscribe: <{unsubscribe_url}>\r\n" in raw
        assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
        assert "=?utf-8?" not in raw
        assert f"Unsubscribe: {unsubscribe_url}\r\n" in raw  # the body's link is whole too
        assert 'Content-Type: text/plain; charset="utf-8"' in raw
        assert 'Content-Type: text/html; charset="utf-8"' in raw


def test_confirmation_email_escapes_topic_names_in_html(client):
    topic = make_topic('<b onmouseover="x()">Bold</b>', slug="bold")
    signup(client, topics=[topic])
    html = html_of(mail.outbox[0])
    assert "<b onmouseover" not in html
    assert '<b onmouseover="x()">Bold</b>' in mail.outbox[0].body  # plain text stays plain


def test_resubscribing_after_unsubscribing_needs_a_new_confirmation(client, topics):
    subscriber = confirmed_subscriber(topics=topics)
    client.post(manage_path("unsubscribe", subscriber))
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED
    mail.outbox.clear()

    signup(client, "SAM@example.org", topics=topics[1:])
    subscriber.refresh_from_db()
    assert Subscriber.objects.count() == 1
    assert subscriber.state == State.PENDING
    [message] = mail.outbox
    client.post(link_in(message, "confirm"))
    subscriber.refresh_from_db()
    assert subscriber.state == State.CONFIRMED
    assert list(subscriber.topics.all()) == topics[1:]
    assert subscriber.consents.count() == 1


def test_signup_without_a_privacy_notice_records_no_version(client, topics):
    signup(client, topics=topics)
    assert Consent.objects.get().privacy_version == ""


def test_future_privacy_notice_is_not_the_one_recorded(client, topics, notice):
    PrivacyNotice.objects.create(
        version="2099-01", effective_date=datetime.date(2099, 1, 1), body="Later.",
        status=PrivacyNotice.Status.PUBLISHED,
    )
    signup(client, topics=topics)
    assert Consent.objects.get().privacy_version == "2025-01"


# The signup form -----------------------------------------------------------------------------

def test_signup_page_has_the_form_with_labels_consent_and_privacy_link(client, topics):
    response = client.get("/newsletter/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Get cancer expertise in your inbox" in html
    assert "I would like to learn more about ..." in html
    assert 'for="id_email"' in html
    assert CONSENT_WORDING in html
    assert 'href="/privacy/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'type="email"' in html
    assert 'maxlength="254"' in html
    # The bot trap: hidden by CSS, from assistive technology and from the keyboard, labelled.
    trap = re.search(r'<div class="newsletter-trap" aria-hidden="true">(.*?)</div>\s*<button',
                     html, re.S)[1]
    assert 'name="website"' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap
    assert 'for="id_website"' in trap
    assert "style=" not in html
    assert active_content(html) == []


def test_topic_can_be_chosen_in_advance_from_the_address(client, topics):
    html = client.get("/newsletter/?topic=neuroblastoma").content.decode()
    checked = re.findall(r'<input type="checkbox"[^>]*value="(\d+)"[^>]*checked', html)
    assert checked == [str(topics[1].pk)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Please enter a whole email address"),
        ({"email": ""}, "email", "Please enter your email address."),
        ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
        ({"consent": False}, "consent", "Please tick this box"),
        ({"topics": []}, "topics", "Please choose at least one topic"),
        ({"topics": ["999999"]}, "topics", "Select a valid choice"),
        ({"topics": ["x' OR 1=1"]}, "topics", "is not a valid value"),
    ],
)
def test_bad_input_shows_the_form_again_and_writes_nothing(client, topics, data, field,
                                                           message):
    values = {"email": "sam@example.org", "topics": [topics[0].pk], "consent": True, **data}
    post = {"email": values["email"], "topics": values["topics"]}
    if values["consent"]:
        post["consent"] = "on"
    response = client.post("/newsletter/", post)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html or field == "topics"
    assert "Please check" in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_errors_are_tied_to_their_fields(client, topics):
    html = client.post("/newsletter/", {"email": "nope", "topics": []}).content.decode()
    email_input = re.search(r'<input type="email"[^>]*>', html)[0]
    assert 'aria-describedby="id_email_error"' in email_input
    assert re.search(r'<fieldset aria-describedby="id_topics_error">', html)
    consent_input = re.search(r'<input type="checkbox" name="consent"[^>]*>', html)[0]
    assert "id_consent_error" in consent_input


def test_the_list_of_mistakes_names_each_field_then_its_mistake(client, topics):
    html = client.post("/newsletter/", {"email": "", "topics": []}).content.decode()
    summary = re.search(r"<div [^>]*data-error-summary>.*?</div>", html, re.S)[0]
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", summary)]
    assert items == [
        "Your email address: Please enter your email address.",
        "Topics: Please choose at least one topic.",
        "Your consent: Please tick this box so we may email you.",
    ]
    # Each link leads to its field's input (the first box of a list), which then has focus.
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["id_email", "id_topics_0", "id_consent"]
    for target in links:
        assert re.search(rf'<input [^>]*id="{target}"', html), target
    assert 'role="alert"' not in summary  # focused when the page opens: read once


def test_topics_page_lists_its_mistake_and_links_to_the_first_box(client, topics):
    subscriber = Subscriber.objects.create(email="sam@example.org", state=State.CONFIRMED)
    subscriber.topics.set(topics)
    path = f"/newsletter/preferences/{tokens.manage_token(subscriber)}/"
    assert "data-error-summary" not in client.get(path).content.decode()
    html = client.post(path, {"topics": []}).content.decode()
    summary = re.search(r"<div [^>]*data-error-summary>.*?</div>", html, re.S)[0]
    # Focused when the page opens, which reads it out; not also an alert, read a second time.
    assert 'tabindex="-1"' in summary
    assert 'role="alert"' not in summary
    [target] = re.findall(r'<a href="#([^"]+)">Topics</a>: Please choose', summary)
    assert re.search(rf'<input [^>]*id="{target}"', html)
    assert set(subscriber.topics.all()) == set(topics)  # nothing changed


def test_honeypot_looks_like_success_but_does_nothing(client, topics):
    response = signup(client, topics=topics, website="https://spam.example")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/thanks/"
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_signup_needs_a_csrf_token(topics):
    csrf_client = Client(enforce_csrf_checks=True)
    response = signup(csrf_client, topics=topics)
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_the_security_cookie_lasts_until_the_browser_is_closed(client, topics):
    # As the privacy notice says: no year-long cookie for opening the signup page.
    client.get("/newsletter/")
    cookie = client.cookies["csrftoken"]
    assert cookie.value
    assert not cookie["max-age"]
    assert not cookie["expires"]


def test_overlong_user_agent_is_cut_and_bad_remote_addr_is_dropped(client, topics):
    client.post("/newsletter/", {"email": "a@example.org", "topics": [topics[0].pk],
                                 "consent": "on"},
                REMOTE_ADDR="not-an-ip", HTTP_USER_AGENT="x" * 5000)
    consent = Consent.objects.get()
    assert consent.ip_address is None
    assert len(consent.user_agent) == 300


def test_only_get_and_post_are_allowed(client):
    assert client.put("/newsletter/").status_code == 405
    assert client.post("/newsletter/thanks/").status_code == 405


# No enumeration ------------------------------------------------------------------------------

def test_new_pending_and_subscribed_addresses_get_the_same_answer(client, topics):
    pending = Subscriber.objects.create(email="pending@example.org")
    confirmed_subscriber("subscribed@example.org", topics=topics)
    answers = []
    for address in ["new@example.org", "pending@example.org", "SUBSCRIBED@example.org"]:
        mail.outbox.clear()
        response = signup(client, address, topics=topics)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content))
        [message] = mail.outbox  # always exactly one email
        assert message.to[0].lower() == address.lower()
        if address.startswith("SUBSCRIBED"):
            assert "already subscribed" in message.subject
            assert "/newsletter/confirm/" not in message.body
        else:
            assert "/newsletter/confirm/" in message.body
    assert answers[0] == answers[1] == answers[2]
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    assert Subscriber.objects.get(email="subscribed@example.org").consents.count() == 0


def test_signing_up_a_subscribed_address_changes_nothing(client, topics):
    subscriber = confirmed_subscriber(topics=topics[:1])
    signup(client, topics=topics[1:])
    subscriber.refresh_from_db()
    assert subscriber.state == State.CONFIRMED
    assert list(subscriber.topics.all()) == topics[:1]


# Abuse limits --------------------------------------------------------------------------------

def test_rate_limit_per_ip_address(client, topics, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP = 2
    assert signup(client, "a@example.org", topics=topics).status_code == 302
    assert signup(client, "b@example.org", topics=topics).status_code == 302
    response = signup(client, "c@example.org", topics=topics)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert b"<title>Too many tries: Newsletter" in response.content
    assert b"sent too many times in the last hour" in response.content
    assert b"Skip to main content" in response.content
    assert not Subscriber.objects.filter(email="c@example.org").exists()
    assert signup(client, "c@example.org", topics=topics, ip="198.51.100.7").status_code == 302


def test_the_ip_limit_counts_an_ipv6_network_as_one_visitor(client, topics, settings):
    # One household or device holds a whole /64 and can move between its addresses.
    settings.NEWSLETTER_SIGNUPS_PER_IP = 2
    for number, ip in enumerate(["2001:db8:1:2::1", "2001:db8:1:2:aaaa::7"]):
        assert signup(client, f"{number}@example.org", topics=topics, ip=ip).status_code == 302
    over = signup(client, "x@example.org", topics=topics, ip="2001:db8:1:2:ffff:1:2:3")
    assert over.status_code == 429
    # Another network, and an IPv4 address written as IPv6, are counted on their own.
    assert signup(client, "y@example.org", topics=topics,
                  ip="2001:db8:1:3::1").status_code == 302
    assert signup(client, "z@example.org", topics=topics,
                  ip="::ffff:198.51.100.9").status_code == 302


def test_rate_limit_per_address_in_any_case_and_from_any_ip(client, topics, settings):
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 2
    signup(client, "sam@example.org", topics=topics, ip="198.51.100.1")
    signup(client, "SAM@example.org", topics=topics, ip="198.51.100.2")
    response = signup(client, "Sam@Example.org", topics=topics, ip="198.51.100.3")
    assert response.status_code == 429
    assert len(mail.outbox) == 2
    assert signup(client, "other@example.org", topics=topics, ip="198.51.100.4").status_code == 302


def test_signups_with_mistakes_do_not_count_towards_the_limits(client, topics, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP = 1
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 1
    for mistake in [{"email": ""}, {"consent": False}, {"topics": ()}, {"email": "nope"}]:
        response = signup(client, **{"topics": topics, **mistake})
        assert response.status_code == 200, mistake
        assert b"Please check" in response.content
    assert signup(client, topics=topics).status_code == 302
    assert len(mail.outbox) == 1
    assert signup(client, "other@example.org", topics=topics).status_code == 429


def test_over_the_limit_the_form_comes_back_filled_in_with_when_to_try_again(
        client, topics, settings, monkeypatch):
    settings.NEWSLETTER_SIGNUPS_PER_IP = 1
    settings.TIME_ZONE = "America/Los_Angeles"
    hour = 1_800_000_000 // 3600 * 3600  # 2027-01-15 08:00 UTC, midnight in Los Angeles
    monkeypatch.setattr(time, "time", lambda: hour + 1200)
    assert signup(client, "a@example.org", topics=topics).status_code == 302
    response = signup(client, "b@example.org", topics=topics[1:])
    assert response.status_code == 429
    assert response["Retry-After"] == "2400"
    html = response.content.decode()
    assert "Please send it again after 1:00 a.m.: your details are kept below." in html
    assert 'value="b@example.org"' in html
    checked = re.findall(r'<input type="checkbox"[^>]*name="(\w+)" value="(\w*)"[^>]*checked', html)
    assert ("topics", str(topics[1].pk)) in checked
    assert ("topics", str(topics[0].pk)) not in checked
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', html)
    assert 'data-error-summary' in html
    assert not Subscriber.objects.filter(email="b@example.org").exists()
    assert len(mail.outbox) == 1


def test_tries_for_one_address_over_its_limit_leave_the_network_its_allowance(
        client, topics, settings):
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 1
    settings.NEWSLETTER_SIGNUPS_PER_IP = 2
    assert signup(client, "sam@example.org", topics=topics).status_code == 302
    for _ in range(3):
        assert signup(client, "sam@example.org", topics=topics).status_code == 429
    assert signup(client, "other@example.org", topics=topics).status_code == 302
    assert signup(client, "third@example.org", topics=topics).status_code == 429
    assert len(mail.outbox) == 2


def test_a_count_lasts_its_whole_window(client, topics, settings, monkeypatch):
    # The memory and file caches keep an incremented value for five minutes by default.
    settings.NEWSLETTER_SIGNUPS_PER_IP = 1
    start = 1_800_000_000 // 3600 * 3600 + 60  # a minute into an hour's window
    clock = [start]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    assert signup(client, "a@example.org", topics=topics).status_code == 302
    clock[0] = start + 600
    assert signup(client, "b@example.org", topics=topics).status_code == 429
    clock[0] = start + 3540  # the next window
    assert signup(client, "c@example.org", topics=topics).status_code == 302


def test_pages_filling_the_cache_never_wipe_the_counts(client, topics, settings, tmp_path):
    # A file cache drops a third of its entries, chosen at random, each time it is full.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                    "LOCATION": str(tmp_path / "pages"), "OPTIONS": {"MAX_ENTRIES": 5}},
        "ratelimit": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(tmp_path / "limits")},
    }
    settings.NEWSLETTER_SIGNUPS_PER_IP = 1
    assert signup(client, "a@example.org", topics=topics).status_code == 302
    for number in range(40):
        assert client.get("/robots.txt", {"n": number}).status_code == 200
    assert len(list((tmp_path / "pages").iterdir())) <= 6
    assert signup(client, "b@example.org", topics=topics).status_code == 429


# One address, one row ------------------------------------------------------------------------

def test_email_is_unique_without_regard_to_case(client, topics):
    signup(client, "sam@example.org", topics=topics)
    signup(client, "SAM@EXAMPLE.ORG", topics=topics)
    assert Subscriber.objects.count() == 1
    assert Consent.objects.count() == 2


def test_the_database_refuses_a_second_row_for_one_address_in_another_case():
    Subscriber.objects.create(email="sam@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="Sam@Example.ORG")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_of_one_address_give_one_row_and_no_error():
    topic = make_topic()
    barrier = threading.Barrier(2)
    create = Subscriber.objects.create
    errors = []

    def create_when_both_found_none(**kwargs):
        barrier.wait(timeout=10)  # both requests have looked the address up and found none
        return create(**kwargs)

    def request(address):
        try:
            services.subscription_request(email=address, topics=[topic], wording=CONSENT_WORDING)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(Subscriber.objects, "create", create_when_both_found_none):
        threads = [threading.Thread(target=request, args=(address,))
                   for address in ["twice@example.org", "Twice@Example.org"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert Subscriber.objects.count() == 1
    assert Consent.objects.filter(subscriber=Subscriber.objects.get()).count() == 2
    assert len(mail.outbox) == 2


# Links: expired, tampered, replaced, gone ----------------------------------------------------

def pending_signup(client, topics, email="sam@example.org"):
    signup(client, email, topics=topics)
    return link_in(mail.outbox[-1], "confirm")


def test_expired_confirmation_link_gives_a_clear_page(client, topics, settings):
    settings.NEWSLETTER_CONFIRM_DAYS = 3
    path = pending_signup(client, topics)
    later = timezone.now() + datetime.timedelta(days=3, minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 400
            assert b"This link has expired" in response.content
            assert b"Skip to main content" in response.content
    assert Subscriber.objects.get().state == State.PENDING


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe", "preferences"])
@pytest.mark.parametrize("token", [
    "garbage", "a:b:c", "eyJjIjoxfQ:1tXyz:AAAA", "%00", "..", "x" * 3000, "ünïcode:ŝig",
])
def test_tampered_or_garbage_tokens_give_a_clear_page(client, kind, token):
    for method in (client.get, client.post):
        response = method(f"/newsletter/{kind}/{token}/")
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            html = response.content.decode()
            assert "This link doesn't work" in html
            # A broken link to leave or change the newsletter says how to do that instead.
            assert ("sign up again" in html) == (kind == "confirm")
            if kind == "unsubscribe":
                assert "To stop the newsletter, use the “Unsubscribe” link" in html
                assert '<a href="/privacy/">privacy notice</a>' in html
            if kind == "preferences":
                assert "To change your topics, use the “Change your topics” link" in html


def test_a_token_for_one_purpose_does_not_work_for_another(client, topics):
    subscriber = confirmed_subscriber(topics=topics)
    consent = subscriber.consents.create(wording="w")
    manage = tokens.manage_token(subscriber)
    confirm = tokens.confirm_token(consent)
    assert client.get(f"/newsletter/confirm/{manage}/").status_code == 400
    assert client.get(f"/newsletter/unsubscribe/{confirm}/").status_code == 400
    forged = signing.Signer(salt="something-else").sign_object({"s": subscriber.pk})
    assert client.post(f"/newsletter/unsubscribe/{forged}/").status_code == 400
    edited = manage.replace(manage.split(":")[0], signing.b64_encode(b'{"s":999}').decode())
    assert client.post(f"/newsletter/unsubscribe/{edited}/").status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.state == State.CONFIRMED


def test_links_of_a_deleted_subscriber_say_it_is_gone(client, topics):
    path = pending_signup(client, topics)
    subscriber = Subscriber.objects.get()
    unsubscribe = manage_path("unsubscribe", subscriber)
    subscriber.delete()
    response = client.get(path)
    assert response.status_code == 404
    assert b"This link no longer works" in response.content
    response = client.get(unsubscribe)
    assert response.status_code == 404
    assert b"You are not on our mailing list" in response.content
    assert b"We will not send it the newsletter." in response.content
    assert b"sign up again" not in response.content


def test_only_the_latest_confirmation_link_works(client, topics):
    first = pending_signup(client, topics[:1])
    second = pending_signup(client, topics[1:])
    response = client.post(first)
    assert response.status_code == 400
    assert b"can no longer be used" in response.content
    assert client.get(first).status_code == 400
    client.post(second)
    subscriber = Subscriber.objects.get()
    assert subscriber.state == State.CONFIRMED
    assert list(subscriber.topics.all()) == topics[1:]


def test_confirming_needs_a_csrf_token(client, topics):
    path = pending_signup(client, topics)
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert Subscriber.objects.get().state == State.PENDING


def test_unsubscribing_cancels_a_pending_confirmation_link(client, topics):
    path = pending_signup(client, topics)
    client.post(manage_path("unsubscribe", Subscriber.objects.get()))
    response = client.post(path)
    assert response.status_code == 400
    assert Subscriber.objects.get().state == State.UNSUBSCRIBED


# Unsubscribing and preferences ----------------------------------------------------------------

def test_unsubscribe_page_asks_first_then_unsubscribes_with_its_button(topics):
    subscriber = confirmed_subscriber(topics=topics)
    path = manage_path("unsubscribe", subscriber)
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get(path)
    assert page.status_code == 200
    assert b"sam@example.org" in page.content
    subscriber.refresh_from_db()
    assert subscriber.state == State.CONFIRMED
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = csrf_client.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED
    assert b"already unsubscribed" in csrf_client.get(path).content


def test_the_unsubscribe_button_needs_csrf_but_one_click_does_not(topics):
    subscriber = confirmed_subscriber(topics=topics)
    path = manage_path("unsubscribe", subscriber)
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(path, {}).status_code == 403
    assert csrf_client.post(path, {"List-Unsubscribe": "Yes"}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.state == State.CONFIRMED
    # RFC 8058: a mail program posts this body, as a form, without cookies or tokens.
    response = csrf_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED
    # Repeating it is harmless.
    assert csrf_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_one_click_works_for_a_pending_signup_too(client, topics):
    pending_signup(client, topics)
    path = link_in(mail.outbox[-1], "unsubscribe")
    Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert Subscriber.objects.get().state == State.UNSUBSCRIBED


def test_preferences_need_at_least_one_topic_and_csrf(topics):
    subscriber = confirmed_subscriber(topics=topics)
    path = manage_path("preferences", subscriber)
    client = Client(enforce_csrf_checks=True)
    assert client.post(path, {"topics": [topics[0].pk]}).status_code == 403
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"Please choose at least one topic" in response.content
    assert set(subscriber.topics.all()) == set(topics)
    response = client.post(path, {"csrfmiddlewaretoken": token, "topics": ["nope"]})
    assert response.status_code == 200
    assert set(subscriber.topics.all()) == set(topics)


def test_an_empty_preferences_post_is_an_error_not_a_silent_no_op(client, topics):
    subscriber = confirmed_subscriber(topics=topics)
    response = client.post(manage_path("preferences", subscriber), {})
    assert b"Please choose at least one topic" in response.content
    assert set(subscriber.topics.all()) == set(topics)


def test_preferences_of_someone_not_subscribed_say_so(client, topics):
    pending_signup(client, topics)
    subscriber = Subscriber.objects.get()
    response = client.get(manage_path("preferences", subscriber))
    assert response.status_code == 200
    assert b"not subscribed at the moment" in response.content
    assert b"not been confirmed yet" in response.content
    client.post(manage_path("preferences", subscriber), {"topics": [topics[0].pk]})
    assert not subscriber.topics.exists()


def test_preferences_offer_only_active_topics(client, topics):
    retired = make_topic("Retired topic", is_active=False)
    subscriber = confirmed_subscriber(topics=topics)
    html = client.get(manage_path("preferences", subscriber)).content.decode()
    assert "General news" in html
    assert "Retired topic" not in html
    assert client.post(manage_path("preferences", subscriber),
                       {"topics": [retired.pk]}).status_code == 200
    assert set(subscriber.topics.all()) == set(topics)


# Purging --------------------------------------------------------------------------------------

def test_newsletter_purge_keeps_only_what_the_retention_periods_allow(settings, topics):
    settings.NEWSLETTER_PENDING_RETENTION_DAYS = 7
    settings.NEWSLETTER_NETWORK_RETENTION_DAYS = 30
    settings.NEWSLETTER_UNSUBSCRIBED_RETENTION_DAYS = 365
    now = timezone.now()

    def days_ago(days):
        return now - datetime.timedelta(days=days)

    old_pending = Subscriber.objects.create(email="old@example.org", requested_at=days_ago(8))
    new_pending = Subscriber.objects.create(email="new@example.org", requested_at=days_ago(6))
    old_left = Subscriber.objects.create(email="left@example.org", state=State.UNSUBSCRIBED,
                                         unsubscribed_at=days_ago(366))
    recent_left = Subscriber.objects.create(email="recent@example.org",
                                            state=State.UNSUBSCRIBED, unsubscribed_at=days_ago(10))
    member = confirmed_subscriber("member@example.org", topics=topics)
    member.created_at = member.requested_at = days_ago(400)
    member.save()
    old_consent = member.consents.create(wording="w", given_at=days_ago(31),
                                         ip_address="203.0.113.1", user_agent="Old/1")
    new_consent = member.consents.create(wording="w", given_at=days_ago(29),
                                         ip_address="203.0.113.2", user_agent="New/1")
    old_pending.consents.create(wording="w", given_at=days_ago(8))

    call_command("newsletter_purge", stdout=(out := io.StringIO()))
    assert "Deleted 1 unconfirmed signup(s)" in out.getvalue()
    assert "1 address(es) unsubscribed" in out.getvalue()
    assert "cleared the IP address and browser of 1 consent record(s)" in out.getvalue()

    remaining = set(Subscriber.objects.values_list("email", flat=True))
    assert remaining == {new_pending.email, recent_left.email, member.email}
    assert not Subscriber.objects.filter(pk=old_left.pk).exists()
    old_consent.refresh_from_db()
    new_consent.refresh_from_db()
    assert (old_consent.ip_address, old_consent.user_agent) == (None, "")
    assert old_consent.wording == "w"
    assert (new_consent.ip_address, new_consent.user_agent) == ("203.0.113.2", "New/1")
    assert Consent.objects.count() == 2

    call_command("newsletter_purge", stdout=(out := io.StringIO()))
    assert "Deleted 0 unconfirmed" in out.getvalue()


# The compact form on condition pages -----------------------------------------------------------

def test_condition_page_offers_the_newsletter_with_its_topic_ticked(client, topics):
    condition = make_condition(slug="neuroblastoma", name="Neuroblastoma")
    other = make_condition(slug="wilms-tumor", name="Wilms tumor")
    linked = make_topic("Kidney tumors", slug="kidney", condition=other)
    html = client.get("/conditions/neuroblastoma/").content.decode()
    assert "Get cancer expertise in your inbox" in html
    assert 'action="/newsletter/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/privacy/"' in html
    assert "unsubscribe" in html
    checked = re.findall(r'<input type="checkbox" class="[^"]*"\s+name="topics" value="(\d+)"'
                         r'[^>]*checked', html)
    # A topic sharing the condition's slug is not enough: only a linked topic is ticked.
    assert checked == []
    html = client.get("/conditions/wilms-tumor/").content.decode()
    checked = re.findall(r'name="topics" value="(\d+)"[^>]*checked', html)
    assert checked == [str(linked.pk)]
    assert condition.newsletter_topics.count() == 0


def test_signing_up_from_a_condition_page_works(client, topics):
    make_condition(slug="neuroblastoma", name="Neuroblastoma")
    page = client.get("/conditions/neuroblastoma/").content.decode()
    assert 'id="newsletter-email"' in page
    response = signup(client, topics=topics[1:])
    assert response.status_code == 302
    assert Subscriber.objects.get().consents.get().topic_names == "Neuroblastoma"


def test_demo_topics_and_their_conditions(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Topic.objects.filter(slug="general").count() == 1
    topic = Topic.objects.get(slug="neuroblastoma")
    assert topic.condition.slug == "neuroblastoma"
    html = client.get("/conditions/neuroblastoma/").content.decode()
    checked = re.findall(r'name="topics" value="(\d+)"[^>]*checked', html)
    assert checked == [str(topic.pk)]


# The mail server failing -----------------------------------------------------------------------

def test_signup_answers_at_once_while_the_email_waits_in_the_queue(client, topics, task_queue):
    response = signup(client, topics=topics)
    assert response.status_code == 302
    assert mail.outbox == []
    assert task_queue.results(status="READY").count() == 1
    task_queue.run_due()
    assert len(mail.outbox) == 1
    assert "confirm" in link_in(mail.outbox[0], "confirm")


def failing_then_working(failures):
    """EmailMessage.send that fails `failures` times, then sends."""
    real_send = mail.EmailMessage.send
    calls = []

    def send(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) <= failures:
            raise ConnectionRefusedError("the mail server is down")
        return real_send(message, *args, **kwargs)

    return send, calls


def test_a_mail_server_that_fails_three_times_delivers_the_confirmation_once(
    client, topics, task_queue
):
    send, calls = failing_then_working(3)
    with mock.patch("django.core.mail.EmailMessage.send", send):
        assert signup(client, topics=topics).status_code == 302
        task_queue.run_due()
        for minutes in [1, 2, 4]:
            assert mail.outbox == []
            task_queue.run_due()  # nothing is due before the pause has passed
            assert len(calls) == 1 + [1, 2, 4].index(minutes)
            task_queue.later(minutes)
            task_queue.run_due()
        for _ in range(3):
            task_queue.later(120)
            task_queue.run_due()
    assert len(calls) == 4
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    assert task_queue.results(status="FAILED").count() == 0
    assert task_queue.results(status="READY").count() == 0


def test_an_email_that_never_goes_out_is_a_failed_task_in_the_admin(
    client, topics, task_queue, admin_client
):
    send, calls = failing_then_working(100)
    with mock.patch("django.core.mail.EmailMessage.send", send):
        signup(client, topics=topics)
        task_queue.run_due()
        for _ in range(10):
            task_queue.later(240)
            task_queue.run_due()
    assert len(calls) == 8  # the first try and seven more over about two hours
    failed = task_queue.results(status="FAILED")
    assert failed.count() == 1
    assert "not sent after 8 tries" in failed.get().exception_class_path + failed.get().traceback
    listing = admin_client.get("/admin/django_tasks_database/dbtaskresult/", {"status": "FAILED"})
    assert listing.status_code == 200
    assert "deliver_email" in listing.content.decode()
    assert Subscriber.objects.get().state == State.PENDING


def test_a_mail_server_failure_after_confirming_keeps_the_confirmation(client, topics):
    signup(client, topics=topics)
    confirm_path = link_in(mail.outbox[0], "confirm")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        response = client.post(confirm_path)
    assert response.status_code == 200
    assert Subscriber.objects.get().state == State.CONFIRMED


@pytest.mark.parametrize("topic", ["\x00", "a" * 500, "../x", "neuro blastoma"])
def test_odd_topic_in_the_address_is_ignored(client, topics, topic):
    response = client.get("/newsletter/", {"topic": topic})
    assert response.status_code == 200
    assert "checked" not in response.content.decode().split('name="topics"', 1)[1][:300]


def test_pages_reached_by_an_emailed_link_are_kept_by_no_browser_or_proxy(client, topics):
    """They show the subscriber's address and links: never public, whatever the state."""
    path = pending_signup(client, topics)
    subscriber = Subscriber.objects.get()
    pages = [("get", path)]  # "confirm your subscription"
    assert client.post(path).status_code == 200  # confirmed
    pages += [("get", path),  # the same link again: "you are subscribed", with links
              ("get", manage_path("preferences", subscriber)),
              ("get", manage_path("unsubscribe", subscriber)),
              ("get", "/newsletter/confirm/garbage/")]
    for method, url in pages:
        response = getattr(client, method)(url)
        control = response.get("Cache-Control", "")
        assert "private" in control, (url, control)
        assert "no-store" in control, (url, control)
    response = client.get(path)
    assert response.status_code == 200
    assert "sam@example.org" in response.content.decode()


@pytest.mark.parametrize("spellings", [
    ["bomb@example.org", "bomb+1@example.org", "Bomb+news@Example.org"],
    ["sam.lee@gmail.com", "samlee@gmail.com", "s.a.m.l.e.e+x@googlemail.com"],
])
def test_sub_addresses_and_gmail_dots_share_the_inbox_limit(client, topics, settings,
                                                             spellings):
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 2
    settings.NEWSLETTER_SIGNUPS_PER_IP = 100
    for index, address in enumerate(spellings[:2]):
        assert signup(client, address, topics=topics,
                      ip=f"198.51.100.{index + 1}").status_code == 302
    assert signup(client, spellings[2], topics=topics, ip="198.51.100.9").status_code == 429
    assert len(mail.outbox) == 2
    # Each spelling that got through is its own subscriber; another inbox is not limited,
    # and dots elsewhere than at Gmail still tell inboxes apart.
    assert Subscriber.objects.count() == 2
    assert signup(client, "bomb.x@example.org", topics=topics,
                  ip="198.51.100.20").status_code == 302
