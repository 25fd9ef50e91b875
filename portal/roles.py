"""The staff roles (the README lists them) as Django groups, and what each may do.

A data migration creates the groups; after every migrate, sync_role_permissions gives each
group exactly the permissions listed here, so a feature grants its role access by adding
its app or models to ROLE_PERMISSIONS.
"""

from django.contrib.auth.models import Group, Permission

CONTENT_EDITORS = "Content editors"
MEDICAL_REVIEWERS = "Medical reviewers"
TRIAL_COORDINATORS = "Trial coordinators"
NEWSLETTER_MANAGERS = "Newsletter managers"

ALL_ROLES = [CONTENT_EDITORS, MEDICAL_REVIEWERS, TRIAL_COORDINATORS, NEWSLETTER_MANAGERS]
# Roles that publish nothing sign in without a second step; every other role (and every
# superuser) needs one (portal.staff).
ROLES_WITHOUT_TWO_FACTOR = [NEWSLETTER_MANAGERS]

# role -> {app label: "__all__" (every model of the app), a list of model names (all their
# permissions), or {model name: list of actions, e.g. ["view", "export"]}}.
ROLE_PERMISSIONS = {
    CONTENT_EDITORS: {
        "conditions": "__all__", "care_sites": "__all__", "pages": "__all__",
        "portal": {"draft": ["view", "change"], "reviewstep": ["view"],
                   "reviewerprofile": ["view"], "searchquerystat": ["view"],
                   "searchpromotion": ["add", "change", "delete", "view"]},
    },
    # Reviewers read and correct what they review; publishing condition pages and stories is
    # theirs alone (approve_draft).
    MEDICAL_REVIEWERS: {
        "conditions": "__all__",
        "portal": {"draft": ["view", "change", "approve"], "reviewstep": ["view"],
                   "reviewerprofile": ["view"]},
    },
    TRIAL_COORDINATORS: {"trials": "__all__"},
    NEWSLETTER_MANAGERS: {
        "newsletter": {
            "topic": ["add", "change", "delete", "view"],
            "subscriber": ["view", "export", "change", "delete"],
            "consent": ["view"],
        },
    },
}


def permissions_for(role):
    permissions = Permission.objects.none()
    for app_label, models in ROLE_PERMISSIONS[role].items():
        in_app = Permission.objects.filter(content_type__app_label=app_label)
        if isinstance(models, dict):
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                permissions |= in_app.filter(content_type__model=model, codename__in=codenames)
            continue
        if models != "__all__":
            in_app = in_app.filter(content_type__model__in=models)
        permissions |= in_app
    return permissions


def sync_role_permissions(**kwargs):
    for role in ALL_ROLES:
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.set(permissions_for(role))
