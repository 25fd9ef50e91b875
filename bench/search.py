"""Site search benchmark (make bench): 1,000 conditions, 10,000 trials and 500 other items.

On a throw-away test database (PostgreSQL when DATABASE_URL points at one; the targets are
for PostgreSQL), in the production settings as `make bench` serves them (bench/settings.py,
debug off, Redis). First each search is timed in this process, one request after another,
with its query count; then, when `wrk` is installed, gunicorn serves the same database and
wrk sends each search over 8 connections for a few seconds (server and wrk pinned to
different cores, as in bench/run.py), reporting the median and p99. Each is measured three
ways: a search made before (served from the page cache, and still counted); a search not
made before (the page cache is on, as shipped, but every request's address differs by a
parameter no view reads, so each one runs the search; such a page is not stored, which
saves only compressing it and one cache write); and with the page cache off (every
request runs the search, and nothing else is kept either).
"""

import itertools
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
# Production settings with debug off, as bench/run.py serves them.
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret-key"),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
})
# The benchmark's own Redis database, as bench/run.py's: it is emptied as the benchmark goes.
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

CONDITIONS, TRIALS, OTHERS = 1_000, 10_000, 500
VOCABULARY = ([], [])
RUNS = 60
CONNECTIONS = 8
WRK_SECONDS = 5
QUERIES = [
    "neuroblastoma",  # a condition name, also in many trial titles
    "neuroblastomma",  # a typo: trigram similarity
    "wilms tumour",  # a British spelling of a synonym
    "stem cell transplant",  # words in many bodies
    "parking",
    "MIBG",
    "qwxyzzy",  # nothing found: "Did you mean" runs
]
MEDICAL_WORDS = [
    "tumor", "cells", "child", "children", "treatment", "chemotherapy", "surgery", "radiation",
    "therapy", "doctor", "scan", "blood", "test", "marrow", "kidney", "liver", "bone", "brain",
    "nerve", "adrenal", "gland", "lump", "belly", "pain", "fever", "tired", "appetite",
    "growth", "risk", "stage", "spread", "cure", "outlook", "family", "nurse", "clinic",
    "visit", "dose", "immune", "antibody", "transplant", "stem", "cell", "biopsy", "imaging",
    "MRI", "CT", "ultrasound", "urine", "sample", "infection", "platelets", "anemia", "hair",
    "loss", "nausea", "side", "effects", "follow", "up", "survivorship", "school",
]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "pe", "da", "fo", "gu"]


def vocabulary(rng, size=1_500):
    """Medical words first, then made-up ones: drawn with Zipf-like weights (1 / rank), so
    that, as in real text, a few words are everywhere and most are rare."""
    made_up = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 2)}
    words = MEDICAL_WORDS + sorted(made_up)[: size - len(MEDICAL_WORDS)]
    return words, [1 / rank for rank in range(1, len(words) + 1)]


STEMS = ["neuro", "nephro", "retino", "hepato", "osteo", "rhabdo", "medullo", "pineo",
         "chondro", "angio", "lipo", "myo", "fibro", "gangli", "astro", "ependymo"]


def text(rng, length):
    words, weights = VOCABULARY
    return " ".join(rng.choices(words, weights, k=length)).capitalize() + "."


def create_content():
    from care_sites.models import CareSite, Location, SupportService
    from conditions.models import Condition, Section, Story, Synonym
    from pages.models import Page
    from portal import search
    from trials.models import Trial

    rng = random.Random(12)
    global VOCABULARY
    VOCABULARY = vocabulary(rng)
    now = timezone.now()
    published = {"status": "published", "publish_at": now}
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    Condition.objects.bulk_create(
        Condition(name=f"{rng.choice(STEMS)}blastoma variant {i}", slug=f"bench-{i}",
                  summary=text(rng, 30), **published)
        for i in range(CONDITIONS - Condition.objects.count())
    )
    bench = list(Condition.objects.filter(slug__startswith="bench-"))
    Synonym.objects.bulk_create(Synonym(condition=c, name=f"{c.name} tumour") for c in bench)
    Section.objects.bulk_create(
        Section(condition=c, order=n, kind=kind, heading=kind.title(), anchor=kind,
                body=text(rng, 120), body_html=f"<p>{text(rng, 120)}</p>")
        for c in bench for n, kind in enumerate(["overview", "symptoms", "diagnosis",
                                                 "treatment"])
    )
    Trial.objects.bulk_create(
        Trial(nct_id=f"NCT7{i:07d}", overall_status="RECRUITING", phases="PHASE2",
              brief_title=f"{rng.choice(['Study of', 'Trial of', 'Testing'])} "
                          f"{rng.choice(MEDICAL_WORDS)} in {rng.choice(STEMS)}blastoma {i}",
              plain_summary_html=f"<p>{text(rng, 60)}</p>",
              brief_summary_html=f"<p>{text(rng, 80)}</p>",
              keywords="\n".join(rng.sample(MEDICAL_WORDS, 5)),
              registry_conditions="Neuroblastoma" if i % 10 == 0
              else f"{rng.choice(STEMS)}blastoma", **published)
        for i in range(TRIALS - Trial.objects.count())
    )
    others = OTHERS - (CareSite.objects.count() + SupportService.objects.count()
                       + Location.objects.count() + Story.objects.count()
                       + Page.objects.count())
    share = others // 5
    CareSite.objects.bulk_create(
        CareSite(name=f"Clinic {i}", slug=f"bench-clinic-{i}", summary=text(rng, 15),
                 description_html=f"<p>{text(rng, 80)}</p>", **published) for i in range(share))
    SupportService.objects.bulk_create(
        SupportService(name=f"Service {i}", slug=f"bench-service-{i}", category="practical",
                       summary=text(rng, 15), description_html=f"<p>{text(rng, 80)}</p>",
                       **published) for i in range(share))
    Location.objects.bulk_create(
        Location(name=f"Campus {i}", slug=f"bench-campus-{i}", street_address=f"{i} Main St",
                 city="Oakland", postal_code="94609", parking=text(rng, 20),
                 transit=text(rng, 20), **published) for i in range(share))
    Story.objects.bulk_create(
        Story(title=f"Story {i}", slug=f"bench-story-{i}", summary=text(rng, 20),
              body_html=f"<p>{text(rng, 200)}</p>", **published) for i in range(share))
    Page.objects.bulk_create(
        Page(title=f"Page {i}", slug=f"bench-page-{i}", summary=text(rng, 20),
             body_html=f"<p>{text(rng, 200)}</p>", **published)
        for i in range(others - 4 * share))
    started = time.perf_counter()
    counts = search.rebuild()
    print(f"indexed {sum(counts.values())} documents in {time.perf_counter() - started:.1f} s "
          f"({', '.join(f'{kind} {n}' for kind, n in counts.items())})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them
            cursor.execute("ANALYZE")


def percentile(times, fraction):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# (name, page cache on?, label). "new": each request's address carries a parameter no view
# reads, different every time, so the page cache misses as for a search nobody made before.
MODES = [("repeated", True, "page cache on, as shipped: a search made before, served from "
                            "the cache"),
         ("new", True, "page cache on, as shipped: a search not made before (each request "
                       "runs it)"),
         ("off", False, "page cache off: every request runs the search, nothing is kept")]
FRESH = "fresh"  # the parameter that makes every address new


def sequential():
    from django.test import override_settings

    for mode, page_cache, label in MODES:
        with override_settings(PAGE_CACHE=page_cache):
            sequential_mode(mode, label)


def sequential_mode(mode, label):
    client = Client()
    fresh = (f"&{FRESH}={uuid.uuid4().hex}-{n}" for n in itertools.count())
    print(f"\nsequential, in process ({RUNS} requests each), {label}:")
    for query in QUERIES:
        url = f"/search/?q={quote(query)}"
        executed = []

        def count(run, *args, executed=executed):
            executed.append(1)
            return run(*args)

        client.get(url)  # the schedule and the header's links of this content version
        with connection.execute_wrapper(count):
            response = client.get(url + (next(fresh) if mode == "new" else ""))
        assert response.status_code == 200, url
        found = re.search(r'result-count" role="status">([^<]*)', response.content.decode())
        times = []
        for _ in range(RUNS):
            address = url + (next(fresh) if mode == "new" else "")
            start = time.perf_counter()
            client.get(address)
            times.append(time.perf_counter() - start)
        print(f"  {query!r:<26} median {statistics.median(times) * 1000:6.1f} ms  "
              f"p99 {percentile(times, 0.99) * 1000:6.1f} ms  {len(executed)} queries  "
              f"({found[1] if found else 'no count'})")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pinned(core, command, pin):
    return ["taskset", "-c", str(core), *command] if pin else command


def wrk_millis(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def concurrent():
    if shutil.which("wrk") is None:
        print("\nwrk is not installed (apt-get install wrk): concurrent timing skipped")
        return
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")
    if connection.vendor != "postgresql":
        print("\nconcurrent timing needs PostgreSQL (set DATABASE_URL): skipped")
        return
    for mode, page_cache, label in MODES:
        concurrent_mode(url, mode, page_cache, label)


# wrk asks for the address with a new value of the fresh parameter each time.
FRESH_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&%s=%s-" .. counter)
end
"""


def concurrent_mode(url, mode, page_cache, label):
    from django.core.cache import cache

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_PAGE_CACHE": "on" if page_cache else "off"}
    # As bench/run.py: 2 sync workers pinned to core 0, wrk (one thread) pinned to core 1.
    pin = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    server = subprocess.Popen(
        pinned(0, [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2",
                   "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], pin),
        cwd=BASE_DIR, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"\ngunicorn (2 workers{' on core 0' if pin else ''}), wrk with {CONNECTIONS} "
              f"connections{' on core 1' if pin else ''}, {WRK_SECONDS} s per search, {label}:")
        for query in QUERIES:
            target = f"http://127.0.0.1:{port}/search/?q={quote(query)}"
            for _ in range(4):  # both workers have loaded their templates (and, cache on,
                urllib.request.urlopen(target, timeout=30).read()  # the page is stored)
            with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
                script.write(FRESH_SCRIPT % (FRESH, uuid.uuid4().hex))
                script.flush()
                output = subprocess.run(
                    pinned(1, ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{WRK_SECONDS}s",
                               "--latency", "--timeout", "10s",
                               "-H", "Accept-Encoding: gzip, deflate, br",
                               *(["-s", script.name] if mode == "new" else []), target], pin),
                    capture_output=True, text=True, check=True).stdout
            latency = {percent: wrk_millis(value, unit) for percent, value, unit in
                       re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
            if set(latency) != {"50", "99"}:
                print(f"  {query!r:<26} no latency figures from wrk:\n{output}")
                continue
            rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
            socket_errors = re.search(r"Socket errors: (.*)", output)
            if socket_errors:
                print(f"  {query!r:<26} socket errors: {socket_errors[1]}")
            print(f"  {query!r:<26} median {latency['50']:6.1f} ms  p99 {latency['99']:6.1f} ms"
                  f"  {float(rate[1]):6.0f} requests/s"
                  f"{f'  {errors[1]} errors' if errors else ''}")
            cache.clear()  # the pages stored for the fresh addresses
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)  # hashed names, as shipped
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        create_content()
        sequential()
        concurrent()
    finally:
        from portal import search

        search.tally.flush()  # the counts of the last searches, before the database goes
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
