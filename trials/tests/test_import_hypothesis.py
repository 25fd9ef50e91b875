"""The importer against random and hostile JSON: every study is imported whole or refused with
a message, never half-written, never an error, and what it writes shows inert on the page."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.tests.support import PAYLOAD, active_content, superuser
from trials.models import Contact, Intervention, Outcome, RegistrySite, Trial
from trials.registry import TrialImportError, studies_from_json
from trials.services import trials_import
from trials.tests.factories import study_of

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])
BASE = study_of("NCT03281889.json")
CHILD_MODELS = [Contact, Intervention, Outcome, RegistrySite]

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from([PAYLOAD, "\x00", "x" * 10_000, "'; DROP TABLE trials_trial; --",
                     "NCT\uff19\uff19\uff19\uff19\uff10\uff10\uff10\uff14",  # fullwidth digits
                     "2020-13-45", "<b>", "javascript:alert(1)", ""]),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              hostile_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12,
)


def paths(value, prefix=()):
    """Every place in the study a value can be replaced: (key, key, index, ...)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index))


PATHS = [path for path in paths(BASE) if len(path) <= 5]


def replaced(study, path, value):
    study = copy.deepcopy(study)
    target = study
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return study


def assert_whole_or_nothing(result, nct_id):
    assert len(result.created) + len(result.failed) == 1, result.summary
    if result.failed:
        ((_label, message),) = result.failed
        assert message.strip()
        assert Trial.objects.count() == 0
        assert all(model.objects.count() == 0 for model in CHILD_MODELS)
    else:
        assert Trial.objects.filter(nct_id=nct_id).exists()


@HYPOTHESIS
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_value_anywhere_is_imported_whole_or_refused(client, django_user_model, path,
                                                         value):
    Trial.objects.all().delete()
    study = replaced(BASE, path, value)
    result = trials_import(studies=[study])
    assert_whole_or_nothing(result, "NCT03281889")
    if result.created:
        trial = Trial.objects.get()
        staff = (django_user_model.objects.filter(username="root").first()
                 or superuser(django_user_model))  # examples share the test's database
        client.force_login(staff)
        response = client.get(trial.get_absolute_url())  # a preview for staff
        assert response.status_code == 200
        assert active_content(response.content.decode()) == []


@HYPOTHESIS
@given(value=json_values)
def test_any_json_document_is_read_or_refused_with_a_message(value):
    body = json.dumps(value)
    try:
        studies = studies_from_json(body)
    except TrialImportError as error:
        refusal = str(error)
    else:
        refusal = None
    if refusal is not None:
        assert refusal.strip()
        return
    result = trials_import(studies=studies)
    assert len(result.created) + len(result.updated) + len(result.failed) == len(studies)
    assert Trial.objects.count() == len(result.created) + len(result.updated)


def test_deep_and_repeated_nesting_is_refused_not_an_error():
    for depth in [1_000, 100_000]:
        with pytest.raises(TrialImportError):
            studies_from_json("[" * depth + "]" * depth)
