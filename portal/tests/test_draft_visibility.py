"""Staff see only what their role may see: draft names stay out of other roles' admin pages."""

import pytest

from care_sites.models import CareSite
from care_sites.tests.factories import make_site
from conditions.models import Condition
from conditions.tests.factories import make_condition
from newsletter.models import Topic
from newsletter.tests.factories import make_topic
from portal import roles
from portal.tests.support import form_data, publish_draft, staff_user
from portal.tests.support import superuser as make_superuser
from trials.tests.factories import make_trial, nct

pytestmark = pytest.mark.django_db

DRAFT_CONDITION = "Secret condition in draft"
DRAFT_SITE = "Secret clinic in draft"


@pytest.fixture
def content():
    live_condition = make_condition(slug="neuroblastoma", name="Neuroblastoma")
    draft_condition = make_condition(slug="secret", name=DRAFT_CONDITION,
                                     status=Condition.Status.DRAFT)
    live_site = make_site(slug="oncology-clinic", name="Oncology clinic")
    draft_site = make_site(slug="secret-clinic", name=DRAFT_SITE, status=CareSite.Status.DRAFT)
    return live_condition, draft_condition, live_site, draft_site


@pytest.fixture
def coordinator(django_user_model):
    return staff_user(django_user_model, roles.TRIAL_COORDINATORS)


def test_coordinators_see_no_draft_names_in_the_trial_list_filters(client, content, coordinator):
    make_trial(nct(1), coordinators=[coordinator])
    client.force_login(coordinator)
    html = client.get("/admin/trials/trial/").content.decode()
    assert "Neuroblastoma" in html
    assert "Oncology clinic" in html
    assert DRAFT_CONDITION not in html
    assert DRAFT_SITE not in html


def test_coordinators_pick_only_published_conditions_and_sites(client, content, coordinator):
    trial = make_trial(nct(1), coordinators=[coordinator])
    client.force_login(coordinator)
    for url in ["/admin/trials/trial/add/", f"/admin/trials/trial/{trial.pk}/change/"]:
        html = client.get(url).content.decode()
        assert "Neuroblastoma" in html, url
        assert "Oncology clinic" in html, url
        assert DRAFT_CONDITION not in html, url
        assert DRAFT_SITE not in html, url


def test_saving_a_trial_keeps_links_to_drafts_the_coordinator_cannot_see(
        client, content, coordinator):
    live_condition, draft_condition, live_site, draft_site = content
    trial = make_trial(nct(1), coordinators=[coordinator])
    trial.conditions.set([live_condition, draft_condition])
    trial.care_sites.set([draft_site])
    client.force_login(coordinator)
    url = f"/admin/trials/trial/{trial.pk}/change/"
    data = form_data(client.get(url), "trial_form")
    data["brief_title"] = "A new title"
    data["care_sites"] = [str(live_site.pk)]
    assert client.post(url, data).status_code == 302
    publish_draft(client, trial)
    assert trial.brief_title == "A new title"
    assert set(trial.conditions.all()) == {live_condition, draft_condition}
    assert set(trial.care_sites.all()) == {live_site, draft_site}


def test_editors_still_see_and_pick_drafts(client, content, django_user_model):
    superuser = make_superuser(django_user_model)
    make_trial(nct(1))
    client.force_login(superuser)
    assert DRAFT_CONDITION in client.get("/admin/trials/trial/").content.decode()
    assert DRAFT_CONDITION in client.get("/admin/trials/trial/add/").content.decode()


@pytest.fixture
def manager(django_user_model):
    return staff_user(django_user_model, roles.NEWSLETTER_MANAGERS)


def test_newsletter_managers_see_no_draft_condition_names(client, content, manager):
    live_condition, draft_condition, *_ = content
    make_topic("Live news", condition=live_condition)
    hidden = make_topic("Upcoming news", condition=draft_condition)
    client.force_login(manager)
    for url in ["/admin/newsletter/topic/", "/admin/newsletter/topic/add/",
                f"/admin/newsletter/topic/{hidden.pk}/change/"]:
        html = client.get(url).content.decode()
        assert DRAFT_CONDITION not in html, url
    assert "Neuroblastoma" in client.get("/admin/newsletter/topic/").content.decode()


def test_a_manager_saving_a_topic_keeps_its_draft_condition(client, content, manager):
    _, draft_condition, *_ = content
    topic = make_topic("Upcoming news", condition=draft_condition)
    client.force_login(manager)
    url = f"/admin/newsletter/topic/{topic.pk}/change/"
    page = client.get(url)
    assert "A condition page not yet published" in page.content.decode()
    data = form_data(page, "topic_form")
    data["name"] = "Coming soon"
    assert client.post(url, data).status_code == 302
    topic = Topic.objects.get()
    assert topic.name == "Coming soon"
    assert topic.condition == draft_condition


def test_a_manager_cannot_link_a_topic_to_a_draft_condition(client, content, manager):
    _, draft_condition, *_ = content
    client.force_login(manager)
    response = client.post("/admin/newsletter/topic/add/", {
        "name": "Sneaky", "slug": "sneaky", "condition": draft_condition.pk, "order": 0,
        "is_active": "on",
    })
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Topic.objects.exists()
