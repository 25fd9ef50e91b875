"""Fixtures of the trials tests: two trial coordinators, and a client logged in as the first."""

import pytest

from portal import roles
from portal.tests.support import staff_user


@pytest.fixture
def coordinator_a(django_user_model):
    return staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="coordinator-a")


@pytest.fixture
def coordinator_b(django_user_model):
    return staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="coordinator-b")


@pytest.fixture
def client_a(client, coordinator_a):
    client.force_login(coordinator_a)
    return client
