"""Two visitors sign up for the newsletter in real Chromium from one cached condition page."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from newsletter.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_visitors_sign_up_from_the_same_cached_condition_page(live_server, browser,
                                                                  settings):
    call_command("load_demo", verbosity=0)
    settings.SITE_URL = live_server.url
    url = live_server.url + "/conditions/neuroblastoma/"
    seen = []
    for email in ["first@example.org", "second@example.org"]:
        context = browser.new_context()  # a visitor of their own: no shared cookies
        page = context.new_page()
        tokens = []
        page.on("response", lambda response, tokens=tokens: tokens.append(response.json()["token"])
                if response.url.endswith("/newsletter/token/") else None)
        response = page.goto(url)
        assert response.status == 200
        assert "set-cookie" not in response.headers
        html = response.text()
        seen.append({"html": html, "etag": response.headers["etag"], "tokens": tokens,
                     "from_cache": "age" in response.headers})
        assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html) == [""]

        page.fill("#newsletter-email", email)
        page.check("#newsletter-consent")
        page.click(".newsletter-cta button[type=submit]")
        page.wait_for_url(live_server.url + "/newsletter/thanks/")
        assert len(tokens) == 1
        context.close()

    first, second = seen
    assert not first["from_cache"]
    assert second["from_cache"]
    assert first["etag"] == second["etag"]
    assert first["html"] == second["html"]
    assert first["tokens"] != second["tokens"]
    assert first["tokens"][0] not in second["html"]
    assert second["tokens"][0] not in first["html"]
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "first@example.org", "second@example.org"]
    assert len(mail.outbox) == 2
