"""schema.org description of a trial page (MedicalTrial)."""

from portal.search import html_text
from portal.structured_data import CONTEXT, absolute
from trials.models import OverallStatus, Phase

# Registry status -> schema.org MedicalStudyStatus. The rule for statuses schema.org has no
# value for: they leave `status` out, so that no reader takes a guess for a recruitment
# state. That includes UNKNOWN, even with a last known status: the registry says so of a
# study nobody has confirmed for two years, which the page lists as closed, so its last known
# "Recruiting" would tell search engines the opposite of the page.
STUDY_STATUS = {
    OverallStatus.RECRUITING: "Recruiting",
    OverallStatus.NOT_YET_RECRUITING: "NotYetRecruiting",
    OverallStatus.ACTIVE_NOT_RECRUITING: "ActiveNotRecruiting",
    OverallStatus.ENROLLING_BY_INVITATION: "EnrollingByInvitation",
    OverallStatus.COMPLETED: "Completed",
    OverallStatus.SUSPENDED: "Suspended",
    OverallStatus.TERMINATED: "Terminated",
    OverallStatus.WITHDRAWN: "Withdrawn",
}


def study_status(trial):
    value = STUDY_STATUS.get(trial.overall_status)
    return f"{CONTEXT}/{value}" if value else ""


def trial_page(trial):
    url = absolute(trial.get_absolute_url())
    conditions = {name: {"@type": "MedicalCondition", "name": name}
                  for name in trial.condition_list()}
    for condition in trial.conditions.all():  # the view's published conditions
        conditions[condition.name] = {"@type": "MedicalCondition", "name": condition.name,
                                      "url": absolute(condition.get_absolute_url())}
    return {
        "@context": CONTEXT,
        "@type": "MedicalTrial",
        "@id": url,
        "url": url,
        "name": trial.brief_title,
        "alternateName": [name for name in (trial.acronym, trial.official_title) if name],
        "identifier": trial.nct_id,
        "sameAs": trial.registry_url,
        "description": html_text(trial.plain_summary_html or trial.brief_summary_html),
        "status": study_status(trial),
        "phase": [Phase(phase).label for phase in trial.phase_list if phase in Phase.values
                  and phase != Phase.NA],
        "sponsor": {"@type": "Organization", "name": trial.lead_sponsor}
        if trial.lead_sponsor else None,
        "healthCondition": list(conditions.values()),
    }
