"""Every role against every admin page and action, each with the answer the role table
(portal/roles.py) and the object rules (coordinators keep only their own trials) call for.

The matrix walks admin.site._registry: a model registered later without a sample object and
an entry in EXCEPTIONS (or a deliberate absence from it) makes the test fail."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from care_sites.models import Language
from care_sites.tests.factories import make_location, make_service, make_site
from conditions.models import Story
from conditions.tests.factories import make_condition, make_glossary_term, make_section
from newsletter.models import Subscriber
from newsletter.tests.factories import make_topic
from pages.tests.factories import make_notice, make_page
from portal import roles
from portal.models import Draft, ReviewerProfile, ScheduledJob, SearchPromotion, SearchQueryStat
from portal.tests.support import staff_user, superuser
from trials.models import ImportJob, RefreshRun, RegistryChange
from trials.tests.factories import make_trial, nct

pytestmark = pytest.mark.django_db

ANONYMOUS, SUPERUSER = "anonymous", "superuser"
ROLES = [ANONYMOUS, *roles.ALL_ROLES, SUPERUSER]
VIEWS = ["changelist", "add", "change", "delete", "history"]
# What each admin page needs: any of these permissions.
NEEDS = {"changelist": {"view", "change"}, "add": {"add"}, "change": {"view", "change"},
         "delete": {"delete"}, "history": {"view", "change"}}


def review_due_condition():
    condition = make_condition(slug="due", name="Due for review")
    type(condition).objects.filter(pk=condition.pk).update(
        next_review_due=timezone.localdate() - timezone.timedelta(days=1)
    )
    return condition


# One sample object per registered model.
SAMPLES = {
    "auth.group": lambda: Group.objects.get(name=roles.CONTENT_EDITORS),
    "auth.user": lambda: staff_user_model().objects.create_user("sample-user"),
    "axes.accessattempt": lambda: AccessAttempt.objects.create(
        username="x", ip_address="192.0.2.1", user_agent="ua", failures_since_start=1),
    "axes.accesslog": lambda: AccessLog.objects.create(
        username="x", ip_address="192.0.2.1", user_agent="ua"),
    "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(
        username="x", ip_address="192.0.2.1", user_agent="ua"),
    "otp_totp.totpdevice": lambda: TOTPDevice.objects.create(
        user=staff_user_model().objects.create_user("device-owner"), name="app"),
    "otp_static.staticdevice": lambda: StaticDevice.objects.create(
        user=staff_user_model().objects.create_user("codes-owner"), name="codes"),
    "conditions.condition": lambda: make_condition(slug="sample", name="Sample condition"),
    "conditions.conditiondueforreview": review_due_condition,
    "conditions.section": lambda: make_section(make_condition(slug="with-section")),
    "conditions.stagingcategory": lambda: make_condition(slug="staged").staging_categories
        .create(order=0, name="Low risk", definition="Not spread."),
    "conditions.glossaryterm": lambda: make_glossary_term("Biopsy"),
    "conditions.story": lambda: Story.objects.create(title="A story", slug="a-story",
                                                     summary="s"),
    "care_sites.location": lambda: make_location(slug="campus"),
    "care_sites.caresite": lambda: make_site(slug="clinic"),
    "care_sites.supportservice": lambda: make_service(slug="service"),
    "care_sites.language": lambda: Language.objects.create(name="Tagalog", order=0),
    "trials.trial": None,  # made per role below: coordinators keep their own
    "trials.importjob": lambda owner: ImportJob.objects.create(
        user=owner, kind=ImportJob.Kind.values[0]),
    "trials.registrychange": lambda owner: RegistryChange.objects.create(
        trial=make_trial(nct(55555555), coordinators=[owner]),
        field=RegistryChange.Field.values[0], before="a", after="b"),
    "trials.refreshrun": lambda: RefreshRun.objects.create(),
    "portal.reviewerprofile": lambda: ReviewerProfile.objects.create(
        user=staff_user_model().objects.create_user("dr-ruiz"), display_name="Dr Ana Ruiz"),
    # A condition page's: the review queue lists only the kinds its reader may see.
    "portal.draft": lambda: Draft.objects.create(
        content_type=ContentType.objects.get_for_model(Story), item_name="Maya's story",
        object_id=str(Story.objects.create(title="Maya", slug="maya", summary="s").pk),
        data={}),
    "pages.page": lambda: make_page(),
    # Not yet in force: one that has taken effect is kept as it is, by anyone
    # (pages/tests/test_privacy.py).
    "pages.privacynotice": lambda: make_notice(
        "2099-01", timezone.localdate() + datetime.timedelta(days=30)),
    "newsletter.topic": lambda: make_topic(),
    "newsletter.subscriber": lambda: Subscriber.objects.create(email="sam@example.org"),
    "portal.scheduledjob": lambda: ScheduledJob.objects.create(name="sample-job"),
    "portal.searchpromotion": lambda: SearchPromotion.objects.create(
        query="prognosis", url="/trials/", title="Clinical trials"),
    "portal.searchquerystat": lambda: SearchQueryStat.objects.create(
        query="neuroblastoma", day=timezone.localdate(), count=3, results=12),
    "django_tasks_database.dbtaskresult": lambda: DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="portal.tasks.sample",
        backend_name="default", run_after=timezone.now(), exception_class_path="",
        traceback=""),
}

# Where the answer is not what the role table alone says: (model, permission) -> nobody may,
# superusers included. Records of events are never added by hand.
EXCEPTIONS = {
    ("newsletter.subscriber", "add"),  # people subscribe themselves (double opt-in)
    ("axes.accessattempt", "add"),
    ("axes.accesslog", "add"),
    ("axes.accessfailurelog", "add"),
    ("conditions.conditiondueforreview", "add"),  # a list to work through, nothing more
    ("conditions.conditiondueforreview", "change"),
    ("conditions.conditiondueforreview", "delete"),
    # Records of background work, imports and reviews: read only.
    ("trials.importjob", "add"), ("trials.importjob", "change"),
    ("trials.registrychange", "add"), ("trials.registrychange", "change"),
    ("trials.refreshrun", "add"), ("trials.refreshrun", "change"),
    ("portal.draft", "add"), ("portal.draft", "change"), ("portal.draft", "delete"),
    ("portal.scheduledjob", "add"),
    ("portal.scheduledjob", "change"),
    ("portal.scheduledjob", "delete"),
    ("portal.searchquerystat", "add"),  # counted by the search page itself
    ("portal.searchquerystat", "change"),
    ("portal.searchquerystat", "delete"),
    ("django_tasks_database.dbtaskresult", "add"),
    ("django_tasks_database.dbtaskresult", "change"),
    ("django_tasks_database.dbtaskresult", "delete"),
}


def staff_user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def role_permissions(role, model):
    """The actions (view, add, change, delete, ...) the role table grants on the model."""
    if role == SUPERUSER:
        return {"view", "add", "change", "delete"}
    if role == ANONYMOUS:
        return set()
    opts = model._meta
    granted = roles.ROLE_PERMISSIONS[role].get(opts.app_label)
    if granted is None:
        return set()
    if granted == "__all__":
        return {"view", "add", "change", "delete"}
    if isinstance(granted, dict):
        return set(granted.get(opts.model_name, []))
    return {"view", "add", "change", "delete"} if opts.model_name in granted else set()


# Only superusers, whatever the role table says: the nightly registry refresh runs, and
# clearing away import and refresh records.
SUPERUSER_ONLY = {"trials.refreshrun"}
SUPERUSER_ONLY_PERMISSIONS = {("trials.importjob", "delete"), ("trials.registrychange", "delete"),
                              ("trials.refreshrun", "delete")}
# Samples that belong to someone: made for the signed-in user (object-level rules).
OWNED = {"trials.importjob", "trials.registrychange"}


# Published medical pages are taken down (deleted) only by those who may publish them; an
# editor may still delete a draft. The sample condition is published.
REVIEWED_DELETE = {"conditions.condition"}


def may(role, label, model, permission):
    if role != SUPERUSER and (label in SUPERUSER_ONLY
                              or (label, permission) in SUPERUSER_ONLY_PERMISSIONS):
        return False
    return (label, permission) not in EXCEPTIONS and permission in role_permissions(role, model)


def expected(role, label, model, view):
    """ok, denied (403) or login (sent to the login page)."""
    if role == ANONYMOUS:
        return "login"
    if view == "delete" and label in REVIEWED_DELETE and role not in (SUPERUSER,
                                                                      roles.MEDICAL_REVIEWERS):
        return "denied"
    return "ok" if any(may(role, label, model, p) for p in NEEDS[view]) else "denied"


def answer(response):
    if response.status_code == 200:
        return "ok"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        return "login"
    return f"{response.status_code} {response.get('Location', '')}"


def login(role, django_user_model):
    client = Client()
    if role == ANONYMOUS:
        return client, AnonymousUser()
    user = (superuser(django_user_model) if role == SUPERUSER
            else staff_user(django_user_model, role))
    client.force_login(user)
    return client, user


def url(model, view, obj=None):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
    return reverse(name, args=[quote(obj.pk)] if view in {"change", "delete", "history"}
                   else [])


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_admin_page(role, django_user_model):
    client, user = login(role, django_user_model)
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="someone-else")
    registered = {model._meta.label_lower: model for model in admin.site._registry}
    missing = set(registered) - set(SAMPLES)
    assert not missing, f"add a sample object and expectations for {sorted(missing)}"
    mismatches = []
    for label, model in sorted(registered.items()):
        if label == "trials.trial":
            owner = user if role == roles.TRIAL_COORDINATORS else other
            obj = make_trial(nct(len(mismatches) + 100 + ROLES.index(role)), coordinators=[owner])
        elif label in OWNED:
            obj = SAMPLES[label](other if role == ANONYMOUS else user)
        else:
            obj = SAMPLES[label]()
        for view in VIEWS:
            got = answer(client.get(url(model, view, obj)))
            want = expected(role, label, model, view)
            if got != want:
                mismatches.append(f"{role} {label} {view}: got {got}, expected {want}")
    assert mismatches == []


def test_coordinators_are_refused_every_page_of_another_coordinators_trial(django_user_model):
    client, _ = login(roles.TRIAL_COORDINATORS, django_user_model)
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="someone-else")
    theirs = make_trial(nct(9), coordinators=[other])
    for view in ["change", "delete", "history"]:
        response = client.get(url(theirs._meta.model, view, theirs))
        assert response.status_code in {302, 403, 404}, view
        if response.status_code == 302:  # "no such trial" for those who cannot see it
            assert response["Location"] in {"/admin/", "/admin/trials/trial/"}, view
        assert theirs.brief_title not in response.content.decode()
    listing = client.get(url(theirs._meta.model, "changelist")).content.decode()
    assert theirs.nct_id not in listing


def offered_actions(client, model):
    """The actions the changelist's action menu offers."""
    html = client.get(url(model, "changelist")).content.decode()
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="(\w+)"', select[1])) if select else set()


@pytest.mark.parametrize("role", ROLES[1:])
def test_every_role_is_offered_exactly_the_actions_it_may_run(role, django_user_model):
    """An action needs the permissions it declares (allowed_permissions)."""
    client, user = login(role, django_user_model)
    mismatches = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if expected(role, label, model, "changelist") != "ok":
            continue
        if label == "trials.trial":  # the menu shows only over a list with rows
            make_trial(nct(1), coordinators=[user] if not user.is_superuser else [])
        elif label in OWNED:
            SAMPLES[label](user)
        else:
            SAMPLES[label]()
        want = {
            action.name for action in model_admin._get_base_actions()
            if all(may(role, label, model, permission)
                   for permission in getattr(action.func, "allowed_permissions", ()))
        }
        got = offered_actions(client, model)
        if got != want:
            mismatches.append(f"{role} {label}: offered {sorted(got)}, expected {sorted(want)}")
    assert mismatches == []
