"""Five demo neuroblastoma trials (load_demo). Their NCT numbers (NCT9999000x) belong to no
real study (trials.models.EXAMPLE_NUMBERS: their pages link to no registry record), and each
summary says the trial is an example."""

import datetime

import reversion
from django.contrib.auth import get_user_model
from django.utils import timezone

from care_sites.models import CareSite
from conditions.models import Condition
from trials.models import Trial

PUBLISHED_AT = timezone.make_aware(datetime.datetime(2025, 1, 6, 8, 0))
# After the summary, so that the page's description (its first sentences, as search engines
# and link previews show it) says what the trial is about.
EXAMPLE = ("*Example trial for this demo site: the NCT number does not belong to a real "
           "registry record.*")

TRIALS = [
    {
        "nct_id": "NCT99990001", "coordinator": "coordinator",
        "brief_title": "Precision laboratory-guided treatment for advanced neuroblastoma",
        "plain_summary": "Doctors test a sample of each child's tumor in the laboratory to find "
                         "the medicines it responds to, then choose treatment from those "
                         "results. The trial asks whether this helps children whose cancer "
                         "came back or did not respond to standard treatment.",
        "overall_status": "COMPLETED", "phases": "PHASE1", "minimum_age": "1 Year",
        "maximum_age": "21 Years", "start_date": "2019-03", "start_date_type": "ACTUAL",
        "primary_completion_date": "2024-06", "primary_completion_date_type": "ACTUAL",
        "outcome": ("How many children can start a laboratory-guided treatment plan within "
                    "4 weeks of their biopsy", "4 weeks"),
        "sites": ["oncology-clinic"],
    },
    {
        "nct_id": "NCT99990002", "coordinator": "coordinator",
        "brief_title": "Eflornithine (DFMO) with etoposide for neuroblastoma that came back",
        "plain_summary": "Children whose neuroblastoma returned or resisted treatment took "
                         "eflornithine (DFMO) by mouth together with the chemotherapy medicine "
                         "etoposide. The trial studied how well the tumors responded.",
        "overall_status": "COMPLETED", "phases": "PHASE2", "minimum_age": "1 Year",
        "maximum_age": "30 Years", "start_date": "2017-09", "start_date_type": "ACTUAL",
        "primary_completion_date": "2023-02", "primary_completion_date_type": "ACTUAL",
        "outcome": ("Share of children whose tumors shrank or disappeared", "Up to 2 years"),
        "sites": ["oncology-clinic", "infusion-center"],
    },
    {
        "nct_id": "NCT99990003", "coordinator": "coordinator",
        "brief_title": "Naxitamab added to first treatment for newly diagnosed high-risk "
                       "neuroblastoma",
        "plain_summary": "This trial adds naxitamab, an antibody that helps the immune system "
                         "find neuroblastoma cells, to the first months of chemotherapy for "
                         "children with high-risk neuroblastoma. It asks whether more "
                         "children's tumors shrink before surgery.",
        "overall_status": "RECRUITING", "phases": "PHASE2", "minimum_age": "12 Months",
        "maximum_age": "21 Years", "start_date": "2025-02-15", "start_date_type": "ACTUAL",
        "primary_completion_date": "2028-12", "primary_completion_date_type": "ESTIMATED",
        "outcome": ("Share of children whose tumors respond by the end of induction",
                    "About 5 months"),
        "sites": ["oncology-clinic", "infusion-center", "blood-and-marrow-transplant-clinic"],
        "contact": {"name": "Neuroblastoma trial nurse (example)", "phone": "(415) 555-0190",
                    "email": "trials@example.org"},
        "eligibility": "Inclusion criteria:\n\n* Newly diagnosed high-risk neuroblastoma\n"
                       "* Age 12 months to 21 years\n* No treatment yet except surgery or "
                       "emergency radiation\n\nExclusion criteria:\n\n* Serious heart, "
                       "lung or kidney problems",
    },
    {
        "nct_id": "NCT99990004", "coordinator": "coordinator2",
        "brief_title": "Maintenance treatment to keep high-risk neuroblastoma from coming back",
        "plain_summary": "After standard treatment ends, children take a medicine by mouth for "
                         "two years. The trial follows them to see whether fewer children "
                         "have their cancer return.",
        "overall_status": "ACTIVE_NOT_RECRUITING", "phases": "PHASE2",
        "minimum_age": "1 Year", "maximum_age": "21 Years", "start_date": "2021-06",
        "start_date_type": "ACTUAL", "primary_completion_date": "2027-06",
        "primary_completion_date_type": "ESTIMATED",
        "outcome": ("Children alive without the cancer returning", "5 years"),
        "sites": ["oncology-clinic", "survivorship-program"],
    },
    {
        "nct_id": "NCT99990005", "coordinator": "coordinator2",
        "brief_title": "Iobenguane I-131 (MIBG therapy) with vorinostat for recurrent or "
                       "progressive high-risk neuroblastoma",
        "plain_summary": "Radioactive MIBG therapy carries radiation straight to neuroblastoma "
                         "cells. This trial gave it together with vorinostat, a medicine that "
                         "may make the cells more sensitive to radiation.",
        "overall_status": "COMPLETED", "phases": "PHASE1,PHASE2", "minimum_age": "2 Years",
        "maximum_age": "30 Years", "start_date": "2016-01", "start_date_type": "ACTUAL",
        "primary_completion_date": "2022-11", "primary_completion_date_type": "ACTUAL",
        "outcome": ("Share of children whose tumors respond to the combination", "6 weeks"),
        "sites": ["blood-and-marrow-transplant-clinic"],
    },
]


def demo_coordinator(username):
    """The demo trial's coordinator; create_local_logins gives it a password for make run."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


def load():
    # The first revision of each item: what "restore" can go back to after later edits.
    with reversion.create_revision():
        reversion.set_comment("Demo content loaded.")
        return load_items()


def load_items():
    neuroblastoma = Condition.objects.filter(slug="neuroblastoma").first()
    for data in TRIALS:
        data = dict(data)
        coordinator = demo_coordinator(data.pop("coordinator"))
        measure, time_frame = data.pop("outcome")
        site_slugs = data.pop("sites")
        contact = data.pop("contact", None)
        eligibility = data.pop("eligibility", "")
        trial, _ = Trial.objects.update_or_create(
            nct_id=data.pop("nct_id"),
            defaults={
                **data,
                "plain_summary": f"{data['plain_summary']}\n\n{EXAMPLE}",
                "brief_summary": "",
                "eligibility_criteria": eligibility,
                "study_type": Trial.StudyType.INTERVENTIONAL,
                "lead_sponsor": "Example Children's Oncology Network",
                "registry_conditions": "Neuroblastoma",
                "std_ages": "CHILD,ADULT",
                "source": Trial.Source.LOCAL,
                "status": Trial.Status.PUBLISHED,
                "publish_at": PUBLISHED_AT,
            },
        )
        trial.primary_outcomes.all().delete()
        trial.primary_outcomes.create(measure=measure, time_frame=time_frame)
        trial.central_contacts.all().delete()
        if contact:
            trial.central_contacts.create(role="CONTACT", **contact)
        trial.care_sites.set(CareSite.objects.filter(slug__in=site_slugs))
        trial.coordinators.set([coordinator])
        if neuroblastoma:
            trial.conditions.add(neuroblastoma)
    return f"{len(TRIALS)} trials"
