"""Content at scale for the benchmark: the demo content plus many conditions, trials and care
sites, written with bulk_create (a few seconds, not minutes).

Rows are made the way the admin would leave them; bulk_create skips save(), so the rendered
Markdown fields are filled in here, and the page cache is told once at the end."""

import random

from django.core.management import call_command
from django.db import transaction

CONDITIONS = 1_000
TRIALS = 10_000
CARE_SITES = 200
STATUSES = ["RECRUITING", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING", "COMPLETED",
            "ENROLLING_BY_INVITATION", "TERMINATED"]
PHASES = ["PHASE1", "PHASE2", "PHASE1,PHASE2", "PHASE3", "NA"]
WORDS = ["cell", "tumour", "blastoma", "sarcoma", "glioma", "lymphoma", "leukaemia", "germ",
         "renal", "bone", "soft", "tissue", "brain", "spinal", "eye", "liver", "nerve"]


def generate(conditions=CONDITIONS, trials=TRIALS, care_sites=CARE_SITES, seed=13):
    from care_sites.models import CareSite, Location
    from conditions.models import Condition, Section, Synonym
    from portal import cache as page_cache
    from trials.models import Trial

    rng = random.Random(seed)
    call_command("load_demo", verbosity=0)
    with transaction.atomic():
        extra = conditions - Condition.objects.count()
        made = Condition.objects.bulk_create(
            Condition(name=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
                      slug=f"bench-condition-{i}", status="published",
                      summary="A plain summary of this condition for families, in two "
                              "short sentences. It says what the condition is.")
            for i in range(extra)
        )
        Synonym.objects.bulk_create(
            Synonym(condition=condition, name=f"{condition.name} (also called {i})")
            for i, condition in enumerate(made) if i % 3 == 0
        )
        body = "What this condition is, in plain words.\n\n- One point\n- Another point"
        html = "<p>What this condition is, in plain words.</p>\n<ul>\n<li>One point</li>\n" \
               "<li>Another point</li>\n</ul>"
        Section.objects.bulk_create(
            Section(condition=condition, order=0, kind="overview", heading="Overview",
                    body=body, body_html=html)
            for condition in made
        )

        locations = list(Location.objects.all())
        sites = CareSite.objects.bulk_create(
            CareSite(name=f"Bench clinic {i}", slug=f"bench-clinic-{i}", status="published",
                     summary="A clinic for children and teenagers.",
                     description="We see children with many conditions.",
                     description_html="<p>We see children with many conditions.</p>",
                     order=100 + i)
            for i in range(care_sites - CareSite.objects.count())
        )
        all_conditions = list(Condition.objects.values_list("pk", flat=True))
        neuroblastoma = Condition.objects.get(slug="neuroblastoma").pk
        site_locations = CareSite.locations.through
        site_locations.objects.bulk_create(
            site_locations(caresite_id=site.pk, location_id=locations[i % len(locations)].pk)
            for i, site in enumerate(sites)
        )
        site_conditions = CareSite.conditions.through
        site_conditions.objects.bulk_create(
            site_conditions(caresite_id=site.pk, condition_id=condition)
            for i, site in enumerate(sites)
            for condition in {*rng.sample(all_conditions, 5), *([neuroblastoma] if i < 10 else [])}
        )

        made_trials = Trial.objects.bulk_create(
            Trial(nct_id=f"NCT8{i:07d}", brief_title=f"Benchmark trial {i} of a new treatment",
                  overall_status=STATUSES[i % len(STATUSES)], phases=PHASES[i % len(PHASES)],
                  minimum_age=f"{i % 8} Years", minimum_age_years=i % 8,
                  maximum_age="21 Years", maximum_age_years=21, status="published",
                  plain_summary="What the trial studies, in plain words.",
                  plain_summary_html="<p>What the trial studies, in plain words.</p>")
            for i in range(trials - Trial.objects.count())
        )
        all_sites = list(CareSite.objects.values_list("pk", flat=True))
        trial_conditions = Trial.conditions.through
        trial_conditions.objects.bulk_create(
            trial_conditions(trial_id=trial.pk, condition_id=(
                neuroblastoma if i % 200 == 0 else rng.choice(all_conditions)))
            for i, trial in enumerate(made_trials)
        )
        trial_sites = Trial.care_sites.through
        trial_sites.objects.bulk_create(
            trial_sites(trial_id=trial.pk, caresite_id=rng.choice(all_sites))
            for trial in made_trials
        )
    page_cache.content_changed()
    return {
        "conditions": Condition.objects.count(),
        "trials": Trial.objects.count(),
        "care sites": CareSite.objects.count(),
        "neuroblastoma trials": Trial.objects.filter(conditions=neuroblastoma).count(),
    }
