"""The trials admin: coordinators keep only their own trials, on every path of the admin."""

import datetime
import html as htmllib
import re
from pathlib import Path

import pytest
import reversion
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions.models import Condition
from portal import roles
from portal.tests.support import form_data, publish_draft, staff_user
from trials import registry
from trials.models import ImportJob, OverallStatus, StatusGroup, Trial
from trials.services import ImportResult, trials_import
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
DEAD_API = "http://127.0.0.1:9/api/v2"  # the discard port: nothing answers there


# Factories -----------------------------------------------------------------------------------


@pytest.fixture
def trial_a(coordinator_a):
    trial = make_trial("NCT00000001", [coordinator_a], brief_title="Trial kept by A",
                       phases="PHASE2", minimum_age="1 Year", maximum_age="21 Years")
    trial.primary_outcomes.create(measure="Response rate", time_frame="6 months")
    trial.interventions.create(name="Naxitamab", type="DRUG")
    trial.central_contacts.create(name="Nurse A", email="a@example.org")
    return trial


@pytest.fixture
def trial_b(coordinator_b):
    trial = make_trial("NCT00000002", [coordinator_b], brief_title="Trial kept by B",
                       plain_summary="B's own words.")
    trial.primary_outcomes.create(measure="B's outcome")
    return trial


def snapshot(trial):
    """What a coordinator must not be able to change about someone else's trial."""
    trial = Trial.objects.get(pk=trial.pk)
    return {
        "fields": {field.name: getattr(trial, field.name) for field in Trial._meta.concrete_fields},
        "coordinators": sorted(trial.coordinators.values_list("username", flat=True)),
        "outcomes": list(trial.primary_outcomes.values_list("measure", flat=True)),
    }


def change_url(trial):
    return reverse("admin:trials_trial_change", args=[trial.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_not_shown(response, trial):
    """The admin refused the page: a redirect to the trial list saying another coordinator
    keeps the trial, or a 403/404; never the trial itself."""
    assert response.status_code in {302, 403, 404}
    if response.status_code == 302:
        assert response.url == reverse("admin:trials_trial_changelist")
        assert any(f"{trial.nct_id} is kept by another coordinator" in message
                   for message in messages_of(response))
    assert trial.brief_title not in response.content.decode()


# Reading admin forms the way a browser submits them ------------------------------------------


def field_errors(response):
    assert response.status_code == 200, "the form was accepted"
    errors = {}
    for form in [response.context["adminform"].form]:
        errors.update({name: list(messages) for name, messages in form.errors.items()})
    return errors


# 1. Roles: who may open the trials admin ----------------------------------------------------

def trials_admin_urls(trial):
    return [
        reverse("admin:trials_trial_changelist"),
        reverse("admin:trials_trial_add"),
        reverse("admin:trials_trial_import"),
        change_url(trial),
        reverse("admin:trials_trial_delete", args=[trial.pk]),
        reverse("admin:trials_trial_history", args=[trial.pk]),
    ]


@pytest.mark.parametrize("role", [roles.CONTENT_EDITORS, roles.NEWSLETTER_MANAGERS])
def test_other_roles_are_refused_the_trials_admin(client, django_user_model, trial_a, role):
    client.force_login(staff_user(django_user_model, role, username="someone"))
    for url in trials_admin_urls(trial_a):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("admin:trials_trial_import"), {"nct_ids": "NCT03281889"})
    assert response.status_code == 403
    index = client.get(reverse("admin:index"))
    assert "trials" not in {app["app_label"] for app in index.context["app_list"]}


def test_a_staff_user_without_a_role_is_refused(client, django_user_model, trial_a):
    client.force_login(staff_user(django_user_model, username="nobody"))
    for url in trials_admin_urls(trial_a):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_admin_login(client, trial_a):
    for url in trials_admin_urls(trial_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('admin:login')}?next={url}"


def test_coordinators_are_refused_everything_but_trials(client_a):
    for name in ["admin:conditions_condition_changelist", "admin:conditions_condition_add",
                 "admin:care_sites_caresite_changelist", "admin:care_sites_caresite_add",
                 "admin:care_sites_location_changelist", "admin:auth_user_changelist",
                 "admin:auth_group_changelist"]:
        assert client_a.get(reverse(name)).status_code == 403, name


def test_the_admin_index_shows_coordinators_only_the_trials_app(client_a):
    index = client_a.get(reverse("admin:index"))
    assert index.status_code == 200
    assert [app["app_label"] for app in index.context["app_list"]] == ["trials"]
    # Their trials, their import jobs and the registry's changes to their trials; the nightly
    # refresh runs are for superusers.
    assert [model["object_name"] for model in index.context["app_list"][0]["models"]] == [
        "RegistryChange", "ImportJob", "Trial"
    ]
    html = index.content.decode()
    assert reverse("admin:trials_trial_changelist") in html
    assert reverse("admin:conditions_condition_changelist") not in html


def test_the_coordinators_group_may_do_everything_with_trials_and_nothing_else():
    group = Group.objects.get(name=roles.TRIAL_COORDINATORS)
    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))
    for action in ["add", "change", "delete", "view"]:
        assert ("trials", f"{action}_trial") in permissions
    assert {app for app, _ in permissions} == {"trials"}


# 2. The change list ----------------------------------------------------------------------------

def changelist_ncts(response):
    assert response.status_code == 200
    return sorted(trial.nct_id for trial in response.context["cl"].result_list)


def test_coordinators_list_only_their_own_trials(client_a, trial_a, trial_b):
    response = client_a.get(reverse("admin:trials_trial_changelist"))
    assert changelist_ncts(response) == ["NCT00000001"]
    html = response.content.decode()
    assert "Trial kept by A" in html
    assert "Trial kept by B" not in html
    assert "NCT00000002" not in html
    assert f'href="{reverse("admin:trials_trial_import")}"' in html
    # Searching for the other trial finds nothing either.
    response = client_a.get(reverse("admin:trials_trial_changelist"), {"q": "NCT00000002"})
    assert changelist_ncts(response) == []


def test_a_trial_with_two_coordinators_is_listed_for_both(client, coordinator_a, coordinator_b,
                                                          trial_a, trial_b):
    trial_a.coordinators.add(coordinator_b)
    client.force_login(coordinator_b)
    response = client.get(reverse("admin:trials_trial_changelist"))
    assert changelist_ncts(response) == ["NCT00000001", "NCT00000002"]
    assert client.get(change_url(trial_a)).status_code == 200


def test_superusers_list_every_trial(admin_client, trial_a, trial_b):
    make_trial("NCT00000003", brief_title="Nobody's trial")
    response = admin_client.get(reverse("admin:trials_trial_changelist"))
    assert changelist_ncts(response) == ["NCT00000001", "NCT00000002", "NCT00000003"]
    for trial in (trial_a, trial_b):
        assert admin_client.get(change_url(trial)).status_code == 200


# 3. Someone else's trial: change, history, delete ----------------------------------------------

def test_coordinators_cannot_open_another_coordinators_trial(client_a, trial_b):
    assert_not_shown(client_a.get(change_url(trial_b)), trial_b)
    assert_not_shown(client_a.get(reverse("admin:trials_trial_history", args=[trial_b.pk])),
                     trial_b)


def test_coordinators_cannot_change_another_coordinators_trial(
    client, admin_user, client_a, coordinator_a, trial_b
):
    # A complete, valid form for B's trial, as the superuser sees it.
    client.force_login(admin_user)
    data = form_data(client.get(change_url(trial_b)), "trial_form", lists=True)
    client.force_login(coordinator_a)
    before = snapshot(trial_b)
    data.update({"brief_title": ["Taken over by A"], "coordinators": [str(coordinator_a.pk)],
                 "primary_outcomes-0-measure": ["Changed by A"], "status": ["draft"]})

    response = client.post(change_url(trial_b), data)

    assert response.status_code in {302, 403, 404}
    if response.status_code == 302:
        assert response.url == reverse("admin:trials_trial_changelist")
    assert snapshot(trial_b) == before


def test_coordinators_cannot_delete_another_coordinators_trial(client_a, trial_b):
    delete_url = reverse("admin:trials_trial_delete", args=[trial_b.pk])
    assert_not_shown(client_a.get(delete_url), trial_b)
    response = client_a.post(delete_url, {"post": "yes"})
    assert response.status_code in {302, 403, 404}
    assert Trial.objects.filter(pk=trial_b.pk).exists()


def test_coordinators_delete_their_own_trial(client_a, trial_a):
    delete_url = reverse("admin:trials_trial_delete", args=[trial_a.pk])
    assert client_a.get(delete_url).status_code == 200
    response = client_a.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert response.url == reverse("admin:trials_trial_changelist")
    assert not Trial.objects.filter(pk=trial_a.pk).exists()


@pytest.mark.parametrize("path", ["abc/change/", "abc/delete/"])
def test_an_address_that_names_no_trial_says_so(client_a, admin_client, trial_a, trial_b, path):
    """Not an id (or Django's redirect of <id>/<words>/ to the change form): the admin's own
    "doesn't exist" answer, for a coordinator and a superuser alike."""
    for client, trial in ((client_a, trial_a), (admin_client, trial_b)):
        url = "/admin/trials/trial/" + path.format(pk=trial.pk)
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("admin:index")
        assert any("doesn\u2019t exist" in message for message in messages_of(response)), url


@pytest.mark.parametrize("path", ["abc/change/", "abc/progress/", "1/review/"])
def test_an_address_that_names_no_import_job_is_not_found(client_a, coordinator_a, path):
    ImportJob.objects.create(user=coordinator_a, kind=ImportJob.Kind.FILE)
    response = client_a.get("/admin/trials/importjob/" + path, follow=True)
    assert response.status_code == 404


def test_bulk_delete_leaves_another_coordinators_trial(client_a, trial_a, trial_b):
    changelist = reverse("admin:trials_trial_changelist")
    response = client_a.post(changelist, {"action": "delete_selected",
                                          "_selected_action": [trial_b.pk], "post": "yes"})
    assert response.status_code == 302
    assert Trial.objects.filter(pk=trial_b.pk).exists()

    # Selected with one of A's own: only A's is deleted.
    confirm = client_a.post(changelist, {"action": "delete_selected",
                                         "_selected_action": [trial_a.pk, trial_b.pk]})
    assert confirm.status_code == 200
    assert "Trial kept by B" not in confirm.content.decode()
    response = client_a.post(changelist, {"action": "delete_selected",
                                          "_selected_action": [trial_a.pk, trial_b.pk],
                                          "post": "yes"})
    assert response.status_code == 302
    assert not Trial.objects.filter(pk=trial_a.pk).exists()
    assert Trial.objects.filter(pk=trial_b.pk).exists()


# 4. Revisions of someone else's trial ----------------------------------------------------------

@pytest.fixture
def b_with_history(trial_b):
    """B's trial with two saved revisions: first titled 'Old title', now 'Trial kept by B'."""
    with reversion.create_revision():
        trial_b.brief_title = "Old title"
        trial_b.save()
    with reversion.create_revision():
        trial_b.brief_title = "Trial kept by B"
        trial_b.save()
    old, new = Version.objects.get_for_object(trial_b).order_by("pk")
    return trial_b, old, new


def test_coordinators_cannot_compare_another_coordinators_revisions(client_a, b_with_history):
    trial_b, old, new = b_with_history
    response = client_a.get(
        reverse("admin:trials_trial_compare", args=[trial_b.pk]),
        {"version_id1": old.pk, "version_id2": new.pk},
    )
    assert "Old title" not in response.content.decode()
    assert response.status_code in {302, 403, 404}


def test_coordinators_cannot_open_another_coordinators_revision(client_a, b_with_history):
    trial_b, old, _ = b_with_history
    response = client_a.get(reverse("admin:trials_trial_revision", args=[trial_b.pk, old.pk]))
    assert response.status_code in {302, 403, 404}
    assert "Old title" not in response.content.decode()
    assert Trial.objects.get(pk=trial_b.pk).brief_title == "Trial kept by B"


def test_coordinators_cannot_revert_another_coordinators_trial(client_a, b_with_history):
    trial_b, old, _ = b_with_history
    before = snapshot(trial_b)
    client_a.post(reverse("admin:trials_trial_revision", args=[trial_b.pk, old.pk]),
                  {"brief_title": "Old title"})
    assert Trial.objects.get(pk=trial_b.pk).brief_title == "Trial kept by B"
    assert snapshot(trial_b) == before


@pytest.fixture
def deleted_b(trial_b):
    """B's trial, saved in a revision, then deleted."""
    with reversion.create_revision():
        trial_b.save()
    version = Version.objects.get_for_object(trial_b).get()
    trial_b.delete()
    return version


def test_coordinators_do_not_see_another_coordinators_deleted_trials(client_a, deleted_b):
    response = client_a.get(reverse("admin:trials_trial_recoverlist"))
    assert "Trial kept by B" not in response.content.decode()


def test_coordinators_cannot_recover_another_coordinators_deleted_trial(client_a, deleted_b):
    client_a.post(reverse("admin:trials_trial_recover", args=[deleted_b.pk]), {})
    assert not Trial.objects.filter(nct_id="NCT00000002").exists()


def test_a_revision_of_another_model_cannot_be_reverted_through_own_trial(client_a, trial_a):
    """The revision URL names the trial and a version; a version of a condition page whose
    id happens to equal the trial's must not be reverted by saving the trial."""
    with reversion.create_revision():
        condition = Condition.objects.create(pk=trial_a.pk, name="Old name", slug="old",
                                             summary="s")
    with reversion.create_revision():
        condition.name = "Current name"
        condition.save()
    old = Version.objects.get_for_object(condition).order_by("pk").first()
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)

    client_a.post(reverse("admin:trials_trial_revision", args=[trial_a.pk, old.pk]), data)

    assert Condition.objects.get(pk=condition.pk).name == "Current name"


def test_coordinators_see_and_revert_their_own_history(client_a, trial_a):
    with reversion.create_revision():
        trial_a.brief_title = "Old title of A"
        trial_a.save()
    with reversion.create_revision():
        trial_a.brief_title = "Trial kept by A"
        trial_a.save()
    old, new = Version.objects.get_for_object(trial_a).order_by("pk")
    history = client_a.get(reverse("admin:trials_trial_history", args=[trial_a.pk]))
    assert history.status_code == 200
    compare = client_a.get(reverse("admin:trials_trial_compare", args=[trial_a.pk]),
                           {"version_id1": old.pk, "version_id2": new.pk})
    assert compare.status_code == 200
    assert "Old title of A" in compare.content.decode()

    revision_url = reverse("admin:trials_trial_revision", args=[trial_a.pk, old.pk])
    data = form_data(client_a.get(revision_url), "trial_form", lists=True)
    assert data["brief_title"] == ["Old title of A"]
    assert Trial.objects.get(pk=trial_a.pk).brief_title == "Trial kept by A"
    response = client_a.post(revision_url, data)
    assert response.status_code == 302, field_errors(response)
    # The restored version of a live trial is a draft until its coordinator publishes it.
    assert Trial.objects.get(pk=trial_a.pk).brief_title == "Trial kept by A"
    publish_draft(client_a, trial_a)
    assert trial_a.brief_title == "Old title of A"


# 5. Editing one's own trial --------------------------------------------------------------------

def test_a_contact_phone_that_cannot_be_dialled_is_refused_one_kept_from_the_registry_is_not(
        client_a, trial_a):
    # As imported from the registry, with a code word after the number: saving the trial
    # without touching it keeps it; typing a number that cannot be dialled is refused.
    trial_a.central_contacts.update(phone="1-833-445-3230 (GILEAD-0)")
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    data["brief_title"] = ["Trial kept by A, edited"]
    assert client_a.post(change_url(trial_a), data).status_code == 302
    publish_draft(client_a, trial_a)

    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    data.update({"brief_title": ["Not saved"], "central_contacts-0-phone": ["abc"]})
    response = client_a.post(change_url(trial_a), data)
    assert response.status_code == 200
    assert "Enter a phone number that can be dialled" in response.content.decode()
    trial_a.refresh_from_db()
    assert trial_a.brief_title == "Trial kept by A, edited"
    assert trial_a.central_contacts.get().phone == "1-833-445-3230 (GILEAD-0)"

    data["central_contacts-0-phone"] = ["617-643-7250 ext. 2"]
    assert client_a.post(change_url(trial_a), data).status_code == 302
    publish_draft(client_a, trial_a)
    assert trial_a.central_contacts.get().phone == "617-643-7250 ext. 2"


def test_coordinators_edit_their_own_trial_with_its_inlines(client_a, coordinator_a, trial_a):
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    assert data["phases"] == ["PHASE2"]
    assert data["primary_outcomes-TOTAL_FORMS"] == ["1"]
    assert data["interventions-TOTAL_FORMS"] == ["1"]
    assert data["central_contacts-TOTAL_FORMS"] == ["1"]
    assert data["primary_outcomes-0-measure"] == ["Response rate"]
    data.update({
        "brief_title": ["Trial kept by A, edited"],
        "plain_summary": ["Written *here*."],
        "phases": ["PHASE3", "PHASE2"],
        "std_ages": ["CHILD", "ADULT"],
        "primary_outcomes-0-measure": ["Tumour response"],
        "interventions-TOTAL_FORMS": ["2"],
        "interventions-1-name": ["Surgery"],
        "interventions-1-type": ["PROCEDURE"],
        "interventions-1-order": ["1"],
        "interventions-1-trial": [str(trial_a.pk)],
    })
    data.pop("coordinators", None)  # A unticks themselves

    response = client_a.post(change_url(trial_a), data)

    assert response.status_code == 302, field_errors(response)
    trial_a.refresh_from_db()
    assert trial_a.brief_title == "Trial kept by A"  # a draft until published
    publish_draft(client_a, trial_a)
    assert trial_a.brief_title == "Trial kept by A, edited"
    assert trial_a.plain_summary_html == "<p>Written <em>here</em>.</p>"
    assert trial_a.phases == "PHASE2,PHASE3"
    assert trial_a.std_ages == "CHILD,ADULT"
    assert list(trial_a.primary_outcomes.values_list("measure", flat=True)) == [
        "Tumour response"
    ]
    assert list(trial_a.interventions.values_list("name", flat=True)) == ["Naxitamab", "Surgery"]
    assert list(trial_a.central_contacts.values_list("name", flat=True)) == ["Nurse A"]
    # Never locked out: A is still a coordinator, and can open the trial again.
    assert list(trial_a.coordinators.all()) == [coordinator_a]
    assert client_a.get(change_url(trial_a)).status_code == 200



def test_coordinators_set_when_their_trial_leaves_the_site(client_a, trial_a):
    """The unpublish time: kept, checked against the publish time, and obeyed in public."""
    public = Client()
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    assert "unpublish_at_0" in data
    assert "unpublish_at_1" in data
    published = timezone.localtime(trial_a.publish_at)
    before = published - datetime.timedelta(days=1)
    data.update({"unpublish_at_0": [before.strftime("%Y-%m-%d")],
                 "unpublish_at_1": [before.strftime("%H:%M:%S")]})
    response = client_a.post(change_url(trial_a), data)
    assert field_errors(response) == {
        "unpublish_at": ["Unpublishing must come after publishing."]
    }
    trial_a.refresh_from_db()
    assert trial_a.unpublish_at is None
    assert public.get(trial_a.get_absolute_url()).status_code == 200

    ended = timezone.localtime() - datetime.timedelta(minutes=1)
    data.update({"unpublish_at_0": [ended.strftime("%Y-%m-%d")],
                 "unpublish_at_1": [ended.strftime("%H:%M:%S")]})
    response = client_a.post(change_url(trial_a), data)
    assert response.status_code == 302, field_errors(response)
    trial_a.refresh_from_db()
    assert trial_a.unpublish_at is None  # a draft until published
    publish_draft(client_a, trial_a)
    assert trial_a.unpublish_at == ended.replace(microsecond=0)
    assert public.get(trial_a.get_absolute_url()).status_code == 404
    assert trial_a.nct_id not in public.get(reverse("trials:trial-list")).content.decode()

def test_coordinators_may_share_their_trial_and_stay_on_it(client_a, coordinator_a,
                                                           coordinator_b, trial_a):
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    data["coordinators"] = [str(coordinator_b.pk)]
    response = client_a.post(change_url(trial_a), data)
    assert response.status_code == 302, field_errors(response)
    publish_draft(client_a, trial_a)
    assert set(trial_a.coordinators.all()) == {coordinator_a, coordinator_b}


def test_an_invalid_edit_is_reported_and_nothing_saved(client_a, trial_a):
    before = snapshot(trial_a)
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    data.update({"brief_title": ["Changed"], "minimum_age": ["10 Years"],
                 "maximum_age": ["2 Years"]})
    response = client_a.post(change_url(trial_a), data)
    assert field_errors(response) == {
        "maximum_age": ["The maximum age is below the minimum age."]
    }
    assert snapshot(trial_a) == before


def test_the_coordinators_field_lists_only_trial_coordinators(
    client, django_user_model, admin_user, coordinator_a, coordinator_b, trial_a
):
    staff_user(django_user_model, roles.CONTENT_EDITORS, username="editor")
    staff_user(django_user_model, roles.NEWSLETTER_MANAGERS, username="newsletter")
    staff_user(django_user_model, username="plain-staff")
    django_user_model.objects.create_user("member-of-public")
    for user in (coordinator_a, admin_user):
        client.force_login(user)
        for url in (reverse("admin:trials_trial_add"), change_url(trial_a)):
            form = client.get(url).context["adminform"].form
            usernames = [u.username for u in form.fields["coordinators"].queryset]
            assert usernames == ["coordinator-a", "coordinator-b"], url


def test_a_user_outside_the_group_cannot_be_made_coordinator(client_a, django_user_model,
                                                             trial_a):
    outsider = staff_user(django_user_model, roles.CONTENT_EDITORS, username="editor")
    data = form_data(client_a.get(change_url(trial_a)), "trial_form", lists=True)
    data["coordinators"] = [str(outsider.pk)]
    response = client_a.post(change_url(trial_a), data)
    assert "coordinators" in field_errors(response)
    assert outsider not in trial_a.coordinators.all()


# 6. Adding a trial by hand ---------------------------------------------------------------------

def add_form(client, **changes):
    data = form_data(client.get(reverse("admin:trials_trial_add")), "trial_form", lists=True)
    data.update({
        "nct_id": ["NCT01234567"],
        "brief_title": ["Typed in by hand"],
        "overall_status": [OverallStatus.NOT_YET_RECRUITING],
        "phases": ["PHASE1"],
        "minimum_age": ["6 Months"],
        "maximum_age": ["18 Years"],
        "primary_outcomes-TOTAL_FORMS": ["1"],
        "primary_outcomes-0-measure": ["Safety"],
        "primary_outcomes-0-order": ["0"],
    })
    data.update({name: [value] if isinstance(value, str) else value
                 for name, value in changes.items()})
    return data


def test_coordinators_add_a_trial_by_hand_and_coordinate_it(client_a, coordinator_a):
    response = client_a.post(reverse("admin:trials_trial_add"), add_form(client_a))
    assert response.status_code == 302, field_errors(response)
    trial = Trial.objects.get(nct_id="NCT01234567")
    assert trial.brief_title == "Typed in by hand"
    assert trial.source == Trial.Source.LOCAL
    assert trial.phases == "PHASE1"
    assert trial.minimum_age_years == 0.5
    assert list(Trial.objects.in_group(StatusGroup.UPCOMING)) == [trial]  # ranked on save
    assert trial.maximum_age_years == 18
    assert list(trial.primary_outcomes.values_list("measure", flat=True)) == ["Safety"]
    assert list(trial.coordinators.all()) == [coordinator_a]
    # It is in A's list and A can open it.
    assert changelist_ncts(client_a.get(reverse("admin:trials_trial_changelist"))) == [
        "NCT01234567"
    ]
    assert client_a.get(change_url(trial)).status_code == 200


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"nct_id": "NCT1"}, "nct_id", "An NCT number is NCT followed by 8 digits."),
    ({"minimum_age": "12 Years", "maximum_age": "2 Years"}, "maximum_age",
     "The maximum age is below the minimum age."),
    ({"minimum_age": "toddler"}, "minimum_age",
     "Write a number and a unit, e.g. '18 Years' or '6 Months'."),
    ({"start_date": "2015-8"}, "start_date", "Use YYYY, YYYY-MM or YYYY-MM-DD."),
    ({"nct_id": "NCT\uff19\uff19\uff19\uff19\uff10\uff10\uff10\uff14"}, "nct_id",
     "An NCT number is NCT followed by 8 digits."),  # fullwidth digits
    ({"nct_id": "NCT\u0669\u0669\u0669\u0669\u0660\u0660\u0660\u0664"}, "nct_id",
     "An NCT number is NCT followed by 8 digits."),  # Arabic-Indic digits
    ({"start_date": "2020-13-45"}, "start_date", "2020-13-45 is not a date that exists."),
    ({"primary_completion_date": "2021-02-30"}, "primary_completion_date",
     "2021-02-30 is not a date that exists."),
    ({"phases": "PHASE9"}, "phases",
     "Select a valid choice. PHASE9 is not one of the available choices."),
])
def test_an_invalid_new_trial_is_refused_and_nothing_written(client_a, changes, field, message):
    response = client_a.post(reverse("admin:trials_trial_add"), add_form(client_a, **changes))
    assert message in field_errors(response)[field]
    assert Trial.objects.count() == 0


def test_an_nct_number_typed_in_lower_case_is_kept_in_capitals(client_a, trial_b):
    response = client_a.post(reverse("admin:trials_trial_add"),
                             add_form(client_a, nct_id=" nct01234567 "))
    assert response.status_code == 302, field_errors(response)
    assert Trial.objects.filter(nct_id="NCT01234567").exists()
    # And in lower case, one already kept is still the same trial.
    response = client_a.post(reverse("admin:trials_trial_add"),
                             add_form(client_a, nct_id="nct00000002"))
    assert "nct_id" in field_errors(response)
    assert Trial.objects.count() == 2


def test_an_nct_number_already_kept_by_someone_else_is_refused(client_a, trial_b):
    before = snapshot(trial_b)
    response = client_a.post(reverse("admin:trials_trial_add"),
                             add_form(client_a, nct_id="NCT00000002"))
    assert "nct_id" in field_errors(response)
    assert Trial.objects.count() == 1
    assert snapshot(trial_b) == before


def test_superusers_adding_a_trial_are_not_made_coordinators(admin_client):
    response = admin_client.post(reverse("admin:trials_trial_add"), add_form(admin_client))
    assert response.status_code == 302, field_errors(response)
    assert list(Trial.objects.get(nct_id="NCT01234567").coordinators.all()) == []


# 7. The "Refresh from ClinicalTrials.gov" action ----------------------------------------------

@pytest.fixture
def fetch_calls(monkeypatch):
    """Replace the registry fetch of the admin; record the NCT numbers it is asked for."""
    calls = []

    def fake_import(*, studies=(), nct_ids=(), user=None, progress=None, time_limit=None,
                    fetch=None):
        calls.append(list(nct_ids))
        return ImportResult()

    monkeypatch.setattr("trials.services.trials_import", fake_import)
    return calls


def refresh(client, *trials):
    return client.post(reverse("admin:trials_trial_changelist"), {
        "action": "refresh_from_registry", "_selected_action": [t.pk for t in trials],
    })


def job_page(client, response):
    """The page of the import job a request started (tests run its task at once)."""
    job = ImportJob.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:trials_importjob_change", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def test_refresh_only_fetches_the_coordinators_own_trials(client_a, trial_a, trial_b,
                                                          fetch_calls):
    assert refresh(client_a, trial_a, trial_b).status_code == 302
    assert fetch_calls == [["NCT00000001"]]
    # B's trial alone: nothing of A's to refresh, and B's NCT number is never fetched.
    response = refresh(client_a, trial_b)
    assert response.status_code == 302
    assert messages_of(response) == ["None of the selected trials is yours to refresh."]
    assert {nct_id for call in fetch_calls for nct_id in call} == {"NCT00000001"}
    assert ImportJob.objects.count() == 1


def test_an_import_of_another_coordinators_trial_is_refused_before_it_is_queued(
        client_a, trial_a, trial_b, fetch_calls):
    response = client_a.post(reverse("admin:trials_trial_import"),
                             {"nct_ids": "nct00000002 NCT00000001"})
    assert response.status_code == 200
    assert ("Kept by another coordinator: NCT00000002. Leave it out, or ask a coordinator of "
            "that trial to import it.") in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert fetch_calls == []
    # Their own trial alone is queued.
    response = client_a.post(reverse("admin:trials_trial_import"), {"nct_ids": "NCT00000001"})
    assert response.status_code == 302
    assert ImportJob.objects.count() == 1


def test_superusers_refresh_every_selected_trial(admin_client, trial_a, trial_b, fetch_calls):
    assert refresh(admin_client, trial_a, trial_b).status_code == 302
    assert [sorted(call) for call in fetch_calls] == [["NCT00000001", "NCT00000002"]]


def test_refresh_reports_a_network_failure(client_a, trial_a, trial_b, settings):
    settings.CTGOV_API_URL = DEAD_API
    settings.CTGOV_TIMEOUT = 2
    before = snapshot(trial_b)
    response = job_page(client_a, refresh(client_a, trial_a, trial_b))
    [message] = response.context["job"].errors
    assert "NCT00000001" in message
    assert "Could not reach ClinicalTrials.gov" in message
    assert "NCT00000002" not in message
    assert snapshot(trial_b) == before


def test_refresh_updates_own_trial_from_the_registry(client_a, coordinator_a, monkeypatch):
    trial = make_trial("NCT03281889", [coordinator_a], brief_title="Typed here",
                       plain_summary="Our words.")
    body = (FIXTURES / "NCT03281889.json").read_bytes()
    monkeypatch.setattr(registry, "trial_fetch",
                        lambda *, nct_id, timeout=None: registry.studies_from_json(body))
    response = job_page(client_a, refresh(client_a, trial))
    assert response.context["job"].summary == "created: 0, updated: 1, failed: 0"
    assert progress(response) == ["[1/1] NCT03281889: updated"]
    trial.refresh_from_db()
    assert trial.brief_title.startswith("Proton Craniospinal Irradiation")
    assert trial.plain_summary == "Our words."
    assert list(trial.coordinators.all()) == [coordinator_a]


# 8. The import page ----------------------------------------------------------------------------

IMPORT_URL = "/admin/trials/trial/import/"


def upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(),
                              content_type="application/json")


def progress(response):
    """The lines of the job page's list of studies."""
    assert response.status_code == 200
    html = response.content.decode()
    if '<ol class="import-progress">' not in html:
        return []
    listing = html.split('<ol class="import-progress">', 1)[1].split("</ol>", 1)[0]
    return [htmllib.unescape(item) for item in re.findall(r"<li>(.*?)</li>", listing, re.S)]


def form_errors(response):
    assert response.status_code == 200
    form = response.context["form"]
    return {name: list(messages) for name, messages in form.errors.items()}


def test_the_import_page_is_at_its_url():
    assert reverse("admin:trials_trial_import") == IMPORT_URL


def test_coordinators_and_superusers_open_the_import_page(client_a, admin_client):
    for client in (client_a, admin_client):
        response = client.get(IMPORT_URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="nct_ids"' in html
        assert 'name="file"' in html
        assert 'enctype="multipart/form-data"' in html


def test_a_coordinator_imports_a_saved_response(client_a, coordinator_a):
    response = job_page(client_a, client_a.post(IMPORT_URL, {"file": upload("NCT03281889.json")}))
    assert progress(response) == ["[1/1] NCT03281889: created"]
    html = response.content.decode()
    trial = Trial.objects.get(nct_id="NCT03281889")
    assert trial.status == Trial.Status.DRAFT
    assert trial.source == Trial.Source.CTGOV
    assert trial.overall_status == OverallStatus.RECRUITING
    assert list(trial.coordinators.all()) == [coordinator_a]
    assert f'href="{change_url(trial)}"' in html
    assert "created: 1, updated: 0, failed: 0" in html
    assert "New trials are drafts: publish them when ready." in html
    # The new trial is A's to edit.
    assert client_a.get(change_url(trial)).status_code == 200

    again = job_page(client_a, client_a.post(IMPORT_URL, {"file": upload("NCT03281889.json")}))
    assert progress(again) == ["[1/1] NCT03281889: updated"]
    assert Trial.objects.count() == 1


KEPT_BY_B = ("Kept by another coordinator: NCT03281889. Leave it out, or ask a coordinator of "
             "that trial to import it.")


def test_a_coordinator_cannot_import_over_another_coordinators_trial(client_a, coordinator_a,
                                                                      coordinator_b):
    trial_b = make_trial("NCT03281889", [coordinator_b], brief_title="Kept by B",
                         overall_status=OverallStatus.COMPLETED)
    trial_b.primary_outcomes.create(measure="B's outcome")
    before = snapshot(trial_b)

    response = client_a.post(IMPORT_URL, {"file": upload("NCT03281889.json")})

    assert response.status_code == 200
    assert KEPT_BY_B in response.content.decode()
    assert ImportJob.objects.count() == 0
    # The import itself refuses it too (a job queued before B kept the trial).
    study = registry.studies_from_json((FIXTURES / "NCT03281889.json").read_bytes())[0]
    result = trials_import(studies=[study], user=coordinator_a)
    [(label, message)] = result.failed
    assert label == "NCT03281889"
    assert "kept by another coordinator" in message
    assert snapshot(trial_b) == before
    assert trial_b.registry_sites.count() == 0


def test_a_coordinator_cannot_fetch_over_another_coordinators_trial(client_a, coordinator_a,
                                                                     coordinator_b, monkeypatch):
    trial_b = make_trial("NCT03281889", [coordinator_b], brief_title="Kept by B")
    before = snapshot(trial_b)
    body = (FIXTURES / "NCT03281889.json").read_bytes()
    monkeypatch.setattr(registry, "trial_fetch",
                        lambda *, nct_id, timeout=None: registry.studies_from_json(body))

    response = client_a.post(IMPORT_URL, {"nct_ids": "NCT03281889"})

    assert response.status_code == 200
    assert KEPT_BY_B in response.content.decode()
    assert ImportJob.objects.count() == 0
    result = trials_import(nct_ids=["NCT03281889"], user=coordinator_a)
    assert "kept by another coordinator" in result.failed[0][1]
    assert snapshot(trial_b) == before


def test_importing_by_nct_number_reports_a_network_failure(client_a, settings):
    settings.CTGOV_API_URL = DEAD_API
    settings.CTGOV_TIMEOUT = 2
    response = job_page(client_a, client_a.post(IMPORT_URL, {"nct_ids": "nct03281889"}))
    [step] = progress(response)
    assert step.startswith("[1/1] NCT03281889: failed: ")
    assert "Could not reach ClinicalTrials.gov" in step
    assert Trial.objects.count() == 0


def test_importing_a_page_of_studies_shows_progress(client_a):
    response = job_page(client_a, client_a.post(IMPORT_URL, {"file": upload("search_page.json")}))
    steps = progress(response)
    total = Trial.objects.count()
    assert total > 1
    assert len(steps) == total
    for index, (step, nct_id) in enumerate(
        zip(steps, Trial.objects.order_by("pk").values_list("nct_id", flat=True), strict=True),
        start=1,
    ):
        assert step == f"[{index}/{total}] {nct_id}: created"


def test_the_classic_format_is_refused_and_nothing_written(client_a):
    response = client_a.post(IMPORT_URL, {"file": upload("classic-api-NCT04780763.json")})
    assert form_errors(response) == {"file": [
        "This is the retired classic ClinicalTrials.gov format; "
        "download the study again from the API v2 (/api/v2/studies/NCT...)."
    ]}
    assert progress(response) == []
    assert Trial.objects.count() == 0
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(("text", "message"), [
    ("NCT12", "Not an NCT number: NCT12. Use NCT followed by 8 digits."),
    ("NCT03281889 hello", "Not an NCT number: HELLO. Use NCT followed by 8 digits."),
])
def test_invalid_nct_numbers_are_a_form_error(client_a, fetch_calls, text, message):
    response = client_a.post(IMPORT_URL, {"nct_ids": text})
    assert form_errors(response) == {"nct_ids": [message]}
    assert fetch_calls == []
    assert Trial.objects.count() == 0


@pytest.mark.parametrize("data", [{"nct_ids": ""}, {"nct_ids": "  \n "}])
def test_an_empty_import_form_asks_for_something(client_a, fetch_calls, data):
    response = client_a.post(IMPORT_URL, data)
    assert form_errors(response) == {
        "__all__": ["Enter at least one NCT number, or choose a file."]
    }
    assert "Enter at least one NCT number, or choose a file." in response.content.decode()
    assert fetch_calls == []


def test_several_nct_numbers_are_fetched_once_each(client_a, fetch_calls):
    response = client_a.post(IMPORT_URL,
                             {"nct_ids": "NCT03281889, nct04431453\nNCT03281889"})
    assert response.status_code == 302
    assert fetch_calls == [["NCT03281889", "NCT04431453"]]


# A revision that holds several trials ----------------------------------------------------------

def test_a_revision_holding_another_coordinators_trial_cannot_be_restored(client_a, trial_a,
                                                                           trial_b):
    with reversion.create_revision():  # e.g. one refresh action over both trials
        trial_a.save()
        trial_b.save()
    version = Version.objects.get_for_object(trial_a).get()
    trial_b.brief_title = "B's newer title"
    trial_b.save()
    url = reverse("admin:trials_trial_revision", args=[trial_a.pk, version.pk])
    assert client_a.get(url).status_code == 403
    assert client_a.post(url, {}).status_code == 403
    trial_b.refresh_from_db()
    assert trial_b.brief_title == "B's newer title"


def test_coordinators_are_not_kept_in_revisions(trial_a, coordinator_a):
    with reversion.create_revision():
        trial_a.save()
    version = Version.objects.get_for_object(trial_a).get()
    assert "coordinators" not in version.field_dict
    assert trial_a.brief_title == version.field_dict["brief_title"]
