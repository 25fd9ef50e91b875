"""Random and hostile values in every public GET parameter and public form: never a server
error, and nothing that could run script in the answer."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from care_sites.tests.factories import make_location, make_site
from conditions.tests.factories import make_condition
from newsletter import tokens
from newsletter.models import Subscriber
from newsletter.tests.factories import make_topic
from portal.tests.support import PAYLOAD, active_content
from trials.tests.factories import make_trial, nct

pytestmark = pytest.mark.django_db

HOSTILE = [
    PAYLOAD, "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)", "' OR '1'='1", "1; DROP TABLE trials_trial; --", "%", "_", "\\",
    "a\x00b", "\x00", "x" * 10_000, "\uff19\uff19\uff19", "\u0663", "NCT01234567",
    "NCT\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17",
    "-1", "0", "99999999999999999999", "1e309", "NaN", "open", "early1", "na",
    "neuroblastoma", "\u202e\u0645\u0631\u062d\u0628\u0627", "😀" * 50, "\ud7ff", " ",
]
value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))
values = st.lists(value, min_size=1, max_size=3)  # a parameter may be repeated

PARAMETERS = {
    "/trials/": ["q", "condition", "status", "phase", "age", "site", "page"],
    "/search/": ["q", "type", "page"],
    "/care/": ["location", "page"],
    "/newsletter/": ["topic"],
    "/conditions/": ["q", "page"],
    "/support/": ["page"],
}
HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def content():
    condition = make_condition(slug="neuroblastoma", name="Neuroblastoma")
    location = make_location(slug="main-campus")
    site = make_site(slug="oncology-clinic")
    site.locations.add(location)
    trial = make_trial(nct(1234567))
    trial.conditions.add(condition)
    trial.care_sites.add(site)
    return make_topic(condition=condition)


def assert_safe(response, what):
    assert response.status_code < 500, what
    if response.get("Content-Type", "").startswith("text/html"):
        assert active_content(response.content.decode()) == [], what


@pytest.mark.parametrize("path", list(PARAMETERS))
def test_public_get_parameters(client, content, path):
    @HYPOTHESIS
    @given(query=st.dictionaries(st.sampled_from(PARAMETERS[path]), values, max_size=4))
    def check(query):
        assert_safe(client.get(path, query), (path, query))

    check()


def test_newsletter_signup_form(client, content, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP = settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 10**6

    @HYPOTHESIS
    @given(email=st.one_of(value, st.emails()), topics=values, consent=value, website=value)
    def check(email, topics, consent, website):
        data = {"email": email, "topics": topics, "consent": consent}
        if website != " ":
            data["website"] = website
        count = Subscriber.objects.count()
        response = client.post("/newsletter/", data)
        assert_safe(response, data)
        if response.status_code != 302:
            assert Subscriber.objects.count() == count  # a refused form writes nothing

    check()


def test_newsletter_preferences_form(client, content):
    subscriber = Subscriber.objects.create(email="sam@example.org",
                                           state=Subscriber.State.CONFIRMED)
    path = f"/newsletter/preferences/{tokens.manage_token(subscriber)}/"

    @HYPOTHESIS
    @given(topics=values)
    def check(topics):
        assert_safe(client.post(path, {"topics": topics}), topics)

    check()


@HYPOTHESIS
@given(token=value)
def test_newsletter_links_with_any_token(client, token):
    for kind in ["confirm", "unsubscribe", "preferences"]:
        path = f"/newsletter/{kind}/{token}/"
        if "/" in token or not token.strip() or "\x00" in token:
            continue
        assert_safe(client.get(path), path)


@pytest.mark.parametrize("path_kind", ["signup", "preferences"])
def test_a_topic_number_too_large_for_the_database_is_a_form_error(client, content, path_kind):
    """Found by the test above: SQLite cannot compare with a 20-digit number."""
    subscriber = Subscriber.objects.create(email="sam@example.org",
                                           state=Subscriber.State.CONFIRMED)
    path = ("/newsletter/" if path_kind == "signup"
            else f"/newsletter/preferences/{tokens.manage_token(subscriber)}/")
    response = client.post(path, {"email": "kim@example.org", "consent": "on",
                                  "topics": ["99999999999999999999"]})
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
