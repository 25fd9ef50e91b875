import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import roles

pytestmark = pytest.mark.django_db


def test_data_migration_creates_the_roles():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Content editors", "Medical reviewers", "Trial coordinators",
            "Newsletter managers"} <= names
    assert set(roles.ALL_ROLES) <= names


def test_local_logins_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG off"):
        call_command("create_local_logins")
    assert not User.objects.exists()


def test_local_logins_create_one_user_per_role_and_print_them(settings, capsys):
    settings.DEBUG = True
    call_command("create_local_logins")
    call_command("create_local_logins")
    out = capsys.readouterr().out
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    for username, role in [("editor", roles.CONTENT_EDITORS),
                           ("reviewer", roles.MEDICAL_REVIEWERS),
                           ("coordinator", roles.TRIAL_COORDINATORS),
                           ("coordinator2", roles.TRIAL_COORDINATORS),
                           ("newsletter", roles.NEWSLETTER_MANAGERS)]:
        user = User.objects.get(username=username)
        assert user.is_staff
        assert not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert User.objects.count() == 6
    assert str(User.objects.get(username="reviewer").reviewer_profile) == (
        "Dr Local Reviewer, MD (a local test login)"
    )
    last_password = out.strip().splitlines()[-1].split(" / ")[1]
    assert User.objects.get(username="newsletter").check_password(last_password)
