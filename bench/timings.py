"""In-process timings (make bench-timings): importing a large study, and the busiest pages
with much content, rendered by the test client without the page cache.

Runs against a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

FIXTURES = BASE_DIR / "trials" / "tests" / "fixtures"
SITES = 450
RUNS = 7


def timed(function, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def report(label, times, extra=""):
    print(f"{label:<58} median {statistics.median(times) * 1000:7.1f} ms  "
          f"min {min(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms{extra}")


class QueryCounter:
    count = 0

    def __call__(self, execute, *args):
        self.count += 1
        return execute(*args)


def big_study():
    study = json.loads((FIXTURES / "NCT04431453.json").read_text())
    module = study["protocolSection"]["contactsLocationsModule"]
    sites = module["locations"]
    module["locations"] = [
        {**copy.deepcopy(sites[i % len(sites)]), "facility": f"Site {i} hospital"}
        for i in range(SITES)
    ]
    return study


def bench_import():
    from trials.services import trial_import

    study = big_study()
    first = timed(lambda: trial_import(study=study), runs=1)
    report(f"import a study with {SITES} registry locations (create)", first)
    report(f"import a study with {SITES} registry locations (update)",
           timed(lambda: trial_import(study=study)))


def bench_pages():
    from django.conf import settings
    from django.core.management import call_command

    from care_sites.models import CareSite
    from conditions.models import Condition, GlossaryTerm
    from trials.models import Trial

    settings.PAGE_CACHE = False
    call_command("load_demo", verbosity=0)
    neuroblastoma = Condition.objects.get(slug="neuroblastoma")
    site = CareSite.objects.get(slug="oncology-clinic")
    statuses = ["RECRUITING", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING", "COMPLETED"]
    Trial.objects.bulk_create(
        Trial(nct_id=f"NCT8{i:07d}", brief_title=f"Benchmark trial {i}",
              overall_status=statuses[i % 4], minimum_age=f"{i % 5} Years",
              minimum_age_years=i % 5, maximum_age="21 Years", maximum_age_years=21,
              phases="PHASE2", status="published")
        for i in range(10_000)
    )
    added = Trial.objects.filter(nct_id__startswith="NCT8").values_list("pk", flat=True)
    through = Trial.care_sites.through
    through.objects.bulk_create(through(trial_id=pk, caresite_id=site.pk) for pk in added)
    conditions = Trial.conditions.through
    conditions.objects.bulk_create(conditions(trial_id=pk, condition_id=neuroblastoma.pk)
                                   for pk in added[:300])
    time_pages([
        ("GET /trials/ (10,000 trials)", "/trials/"),
        ("GET /trials/?status=open&age=5&condition=neuroblastoma",
         "/trials/?status=open&age=5&condition=neuroblastoma"),
        ("GET /conditions/neuroblastoma/ (300 linked trials)", "/conditions/neuroblastoma/"),
        ("GET /conditions/", "/conditions/"),
        ("GET /care/", "/care/"),
    ])
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=f"Benchmark word {i}", slug=f"benchmark-word-{i}",
                     definition="A plain definition.", other_forms=f"benchword{i}",
                     status="published")
        for i in range(1_000)
    )
    terms = GlossaryTerm.objects.count()
    time_pages([
        (f"GET /conditions/neuroblastoma/ (and {terms:,} glossary terms)",
         "/conditions/neuroblastoma/"),
        (f"GET /glossary/ ({terms:,} terms)", "/glossary/"),
    ])


def time_pages(pages):
    client = Client()
    for label, url in pages:
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            assert client.get(url).status_code == 200, url
        report(label, timed(lambda url=url: client.get(url)), f"  {queries.count} queries")


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"database: {connection.vendor}")
        bench_import()
        bench_pages()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
