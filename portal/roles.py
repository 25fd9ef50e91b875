"""The staff roles of DESIGN.md, as Django groups (created by a data migration)."""

CONTENT_EDITORS = "Content editors"
TRIAL_COORDINATORS = "Trial coordinators"
NEWSLETTER_MANAGERS = "Newsletter managers"

ALL_ROLES = [CONTENT_EDITORS, TRIAL_COORDINATORS, NEWSLETTER_MANAGERS]
