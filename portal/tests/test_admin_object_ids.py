"""An admin address with an object id that is not one (typed, cut short, or a path Django's
catch-all redirects to the change form, such as trial/5/review/) never answers with a
server error: every registered model admin says there is no such object, or refuses."""

import re

import pytest
from django.contrib import admin
from django.test import Client

from portal import roles
from portal.tests.support import staff_user, superuser
from trials.tests.factories import make_trial, nct

pytestmark = pytest.mark.django_db

# Not numbers, and numbers of nothing, on every address naming an object (sent as a POST
# too for the first).
BAD_IDS = ["abc", "99999", "99999999999999999999999"]
# Addresses that reach the change form through Django's redirect of <id>/ to <id>/change/,
# with a slash in the id: another model's page on this one, or a number with words.
BAD_PATHS = ["{own}/review/", "{theirs}/review/", "99999/review/", "abc/progress/",
             "{own}/progress/"]


def object_routes(model_admin):
    """Every address of the model admin that names one object, with {id} for its id and 1
    for any further number (a revision)."""
    routes = []
    for pattern in model_admin.urls:
        route = str(pattern.pattern).removeprefix("^").removesuffix("$")
        parts = re.split(r"(<[^>]+>|\([^)]+\))", route)
        if len(parts) == 1:
            continue  # the list, add, import and export pages name no object
        later = ["1" if index % 2 else part for index, part in enumerate(parts[2:])]
        routes.append(parts[0] + "{id}" + "".join(later))
    return routes


def admin_urls():
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        urls += [base + route for route in object_routes(model_admin)]
    return urls


def test_every_admin_route_naming_an_object_is_tried():
    urls = admin_urls()
    for route in ["trials/trial/{id}/change/", "trials/trial/{id}/delete/",
                  "trials/trial/{id}/history/", "trials/trial/{id}/history/1/",
                  "trials/trial/{id}/history/compare/", "trials/importjob/{id}/progress/",
                  "pages/page/{id}/review/", "conditions/condition/{id}/review/",
                  "auth/user/{id}/password/"]:
        assert "/admin/" + route in urls


@pytest.mark.parametrize("role", ["superuser", roles.TRIAL_COORDINATORS])
def test_no_admin_page_fails_on_an_id_that_is_not_one(role, django_user_model):
    user = (superuser(django_user_model) if role == "superuser"
            else staff_user(django_user_model, role))
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="someone-else")
    own = make_trial(nct(1), coordinators=[user]).pk
    theirs = make_trial(nct(2), coordinators=[other]).pk
    client = Client(raise_request_exception=False)
    client.force_login(user)
    requests = [(client.get, template.format(id=bad_id))
                for template in admin_urls() for bad_id in BAD_IDS]
    requests += [(client.post, template.format(id=BAD_IDS[0])) for template in admin_urls()]
    requests += [(client.get, f"/admin/{opts.app_label}/{opts.model_name}/"
                               + path.format(own=own, theirs=theirs))
                 for opts in (model._meta for model in admin.site._registry)
                 for path in BAD_PATHS]
    failures = []
    for method, url in requests:
        response = method(url)
        if response.status_code == 302 and response["Location"].startswith(url):
            response = method(response["Location"])  # <id>/ to <id>/change/
        if response.status_code >= 500:
            failures.append(f"{method.__name__.upper()} {url}: {response.status_code}")
    assert failures == [], "\n".join(failures)
