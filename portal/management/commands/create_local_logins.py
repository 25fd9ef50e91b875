import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from portal import roles
from portal.models import ReviewerProfile

LOGINS = [
    ("admin", None),
    ("editor", roles.CONTENT_EDITORS),
    ("reviewer", roles.MEDICAL_REVIEWERS),
    ("coordinator", roles.TRIAL_COORDINATORS),
    ("coordinator2", roles.TRIAL_COORDINATORS),
    ("newsletter", roles.NEWSLETTER_MANAGERS),
]


class Command(BaseCommand):
    help = "Create (or reset) one local login per role and print them. Debug mode only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create local logins with DJANGO_DEBUG off.")
        User = get_user_model()
        self.stdout.write("Local logins for http://127.0.0.1:8000/admin/ (new passwords each run):")
        for username, role in LOGINS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = role is None
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
            if role == roles.MEDICAL_REVIEWERS:
                ReviewerProfile.objects.get_or_create(
                    user=user, defaults={"display_name": "Dr Local Reviewer",
                                         "credentials": "MD (a local test login)"},
                )
            self.stdout.write(f"  {role or 'Superuser':<20} {username} / {password}")
