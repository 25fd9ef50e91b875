"""The benchmark as shipped (make bench): the portal in production settings (debug off) on
PostgreSQL and Redis, behind gunicorn with 2 sync workers pinned to one core, loaded by wrk
pinned to the other, with 1,000 conditions, 10,000 trials and 200 care sites.

Each round measures a bare Django view (the ceiling) and the busiest pages, with the page
cache on and off (alternating which goes first), and reports every page as a fraction of
the ceiling measured in the same round. The table is printed and written to
docs/benchmarks.md. --soak runs 5 minutes over all pages and reports errors and each
worker's memory. In-process timings of the importer and pages: bench/timings.py.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PORT = 8765
BASE_URL = f"http://127.0.0.1:{PORT}"
CEILING = ("ceiling (bare Django view)", "/bench/ceiling/")
PAGES = [
    ("home", "/"),
    ("conditions A-Z", "/conditions/"),
    ("condition", "/conditions/neuroblastoma/"),
    ("trials, filtered", "/trials/?status=open&age=5"),
    ("search", "/search/?q=neuroblastoma"),
    ("trial", "/trials/NCT80000000/"),
    # The layout alone (header, menu, footer, an empty search form): only the layout's own
    # two queries (menu links, phone number), so with the page cache off this is the least
    # any page of the portal costs.
    ("layout only (empty search)", "/search/"),
]
# (page, cache on?) -> the smallest fraction of the ceiling the page must reach.
TARGET_CACHED = 0.70
TARGETS_UNCACHED = {"condition": 0.12, "trials, filtered": 0.20, "search": 0.20}
TARGET_P99_MS = 100
REPORT = BASE_DIR / "docs" / "benchmarks.md"
NOTES_MARKER = "<!-- Notes below this line are kept when the benchmark rewrites the file. -->"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", choices=["both", "on", "off"], default="both",
                        help="measure with the page cache on, off, or both (default)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per page and round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--soak", action="store_true",
                        help="instead: run all pages for --soak-seconds and report memory")
    parser.add_argument("--soak-seconds", type=int, default=300)
    parser.add_argument("--fresh", action="store_true",
                        help="drop and rebuild the benchmark database even if it is complete")
    parser.add_argument("--lighthouse", action="store_true",
                        help="instead: Lighthouse performance (mobile) of the home, condition "
                             "and trial pages, served as shipped")
    parser.add_argument("--no-report", action="store_true", help="do not write the docs file")
    return parser.parse_args()


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def environment():
    database = os.environ.get("BENCH_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/portal_bench")
    if not database.startswith("postgres"):
        fail("BENCH_DATABASE_URL must be a PostgreSQL URL: the benchmark measures production.")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret-key"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
    })


def check_tools():
    if shutil.which("wrk") is None:
        fail("wrk is not installed; the benchmark needs it. On Debian or Ubuntu: "
             "sudo apt-get install -y wrk")
    cores = os.cpu_count() or 1
    if shutil.which("taskset") is None or cores < 2:
        print(f"Note: {cores} core(s) or no taskset: server and wrk are not pinned apart, "
              "so the results are not comparable with a pinned run.", file=sys.stderr)
        return False
    return True


def pinned(core, command, pin):
    return ["taskset", "-c", str(core), *command] if pin else command


# Preparing the database, static files and cache -----------------------------------------------

def ensure_database(fresh):
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                            password=db["PASSWORD"] or None, dbname="postgres",
                            autocommit=True)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               [db["NAME"]]).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{db["NAME"]}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


def prepare(fresh):
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from bench.content import CONDITIONS, TRIALS, generate
    from conditions.models import Condition
    from trials.models import Trial

    ensure_database(fresh)
    call_command("migrate", verbosity=0, interactive=False)
    if Condition.objects.count() >= CONDITIONS and Trial.objects.count() >= TRIALS:
        counts = {"conditions": Condition.objects.count(), "trials": Trial.objects.count()}
        print(f"content: reusing the benchmark database ({counts})")
    else:
        started = time.perf_counter()
        counts = generate()
        print(f"content: generated in {time.perf_counter() - started:.1f} s: {counts}")
    # Content is written in bulk, past the signals that keep the search index: index it all
    # when the index is short of it, so that the search page searches everything.
    from portal import search
    from portal.models import SearchDocument

    if SearchDocument.objects.count() < counts["conditions"] + counts["trials"]:
        started = time.perf_counter()
        indexed = search.rebuild()
        print(f"search index: {sum(indexed.values())} documents in "
              f"{time.perf_counter() - started:.1f} s")
    # Bulk-loaded tables have no planner statistics, and no visibility map for index-only
    # scans (the trial finder's count), until autovacuum gets to them; a production database
    # has both. Without statistics a join can take ten times longer.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    call_command("collectstatic", verbosity=0, interactive=False)
    cache.clear()
    from django.db import connections

    connections.close_all()
    return counts


# The server and wrk --------------------------------------------------------------------------

def port_in_use():
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=1):
            return True
    except OSError:
        return False


class Server:
    def __init__(self, page_cache, pin, log):
        if port_in_use():
            fail(f"Something already listens on port {PORT}: stop it first (the benchmark "
                 "would measure it too).")
        env = {**os.environ, "DJANGO_PAGE_CACHE": "on" if page_cache else "off"}
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
                   "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{PORT}",
                   "--chdir", str(BASE_DIR)]
        self.process = subprocess.Popen(pinned(0, command, pin), env=env, cwd=BASE_DIR,
                                        stdout=log, stderr=log)
        try:
            self.wait_until_ready(log)
        except BaseException:
            self.stop()
            raise

    def wait_until_ready(self, log):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"gunicorn exited with {self.process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(BASE_URL + "/healthz", timeout=10) as answer:
                    if answer.status == 200:
                        return
            except OSError:  # not listening yet, or still booting
                time.sleep(0.3)
        fail(f"gunicorn did not answer within 60 s; see {log.name}")

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def check_page(path, page_cache=None):
    """The page answers 200; once warm, from the page cache exactly when it is on."""
    try:
        with urllib.request.urlopen(BASE_URL + path, timeout=30) as answer:
            status, cached = answer.status, answer.headers.get("Age") is not None
    except urllib.error.HTTPError as error:
        status, cached = error.code, False
    if status != 200:
        fail(f"{path} answered {status}, not 200: the benchmark content is incomplete")
    if page_cache is not None and cached != page_cache:
        fail(f"{path} came {'from' if cached else 'not from'} the page cache with the cache "
             f"{'on' if page_cache else 'off'}: is another server answering on port {PORT}?")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(path, seconds, connections, pin, script=None):
    # As a browser does, the requests accept a compressed answer.
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "--timeout", "10s", "-H", "Accept-Encoding: gzip, deflate, br"]
    if script:
        command += ["-s", script]
    output = subprocess.run(pinned(1, [*command, BASE_URL + path], pin), capture_output=True,
                            text=True, check=True).stdout

    def latency(percent):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return float(found[1]) * UNITS[found[2]] if found else float("nan")

    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50": latency(50),
        "p99": latency(99),
        "errors": (sum(int(n) for n in socket.groups()) if socket else 0)
                  + (int(non_2xx[1]) if non_2xx else 0),
    }


# Rounds and the report -----------------------------------------------------------------------

def run_rounds(args, pin, log):
    modes = {"both": [True, False], "on": [True], "off": [False]}[args.cache]
    results = {}  # (page, cache on?) -> [measurement with "fraction"]
    for round_number in range(args.rounds):
        order = modes if round_number % 2 == 0 else list(reversed(modes))
        for page_cache in order:
            server = Server(page_cache, pin, log)
            try:
                for _, path in [CEILING, *PAGES]:
                    check_page(path)
                    wrk(path, 2, args.connections, pin)  # warm up (and fill the cache)
                    if path != CEILING[1]:
                        check_page(path, page_cache)
                for name, path in PAGES:
                    # The ceiling just before and just after the page: other load on the
                    # machine shifts both alike, so the fraction stays fair.
                    before = wrk(CEILING[1], args.duration / 2, args.connections, pin)
                    measured = wrk(path, args.duration, args.connections, pin)
                    after = wrk(CEILING[1], args.duration / 2, args.connections, pin)
                    ceiling = (before["rps"] + after["rps"]) / 2
                    measured["fraction"] = measured["rps"] / ceiling
                    results.setdefault((name, page_cache), []).append(measured)
                    results.setdefault((CEILING[0], page_cache), []).extend(
                        [{**before, "fraction": 1.0}, {**after, "fraction": 1.0}])
                    print(f"round {round_number + 1} cache {'on ' if page_cache else 'off'} "
                          f"{name:<18} {measured['rps']:7.0f} req/s, "
                          f"{measured['fraction']:.3f} of {ceiling:.0f}, "
                          f"p99 {measured['p99']:.1f} ms", flush=True)
            finally:
                server.stop()
    return results


def target_for(name, page_cache):
    if name == CEILING[0]:
        return None
    return TARGET_CACHED if page_cache else TARGETS_UNCACHED.get(name)


def table(results):
    lines = ["| page | page cache | req/s | fraction of ceiling | p50 ms | p99 ms | errors "
             "| target (fraction, p99 < 100 ms) |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    shortfalls = []
    for (name, page_cache), runs in sorted(results.items(), key=lambda item: (
            not item[0][1], item[0][0] != CEILING[0])):
        rps = statistics.median(run["rps"] for run in runs)
        fraction = statistics.median(run["fraction"] for run in runs)
        p50 = statistics.median(run["p50"] for run in runs)
        p99 = statistics.median(run["p99"] for run in runs)
        errors = sum(run["errors"] for run in runs)
        target = target_for(name, page_cache)
        verdict = []
        if target is not None:
            verdict.append(f">= {target:.2f}: {'met' if fraction >= target else 'NOT met'}")
            if fraction < target:
                shortfalls.append(f"{name} (cache {'on' if page_cache else 'off'}): "
                                  f"{fraction:.3f} of the ceiling, target {target:.2f}")
        if name != CEILING[0]:
            verdict.append(f"p99 {'met' if p99 < TARGET_P99_MS else 'NOT met'}")
            if p99 >= TARGET_P99_MS:
                shortfalls.append(f"{name} (cache {'on' if page_cache else 'off'}): "
                                  f"p99 {p99:.0f} ms")
        lines.append(f"| {name} | {'on' if page_cache else 'off'} | {rps:,.0f} | "
                     f"{fraction:.3f} | {p50:.1f} | {p99:.1f} | {errors} | "
                     f"{'; '.join(verdict)} |")
    return "\n".join(lines), shortfalls


def machine():
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal:")), 0)
    return f"{os.cpu_count()} cores (nproc), {cpu}, {memory / 1024 / 1024:.1f} GiB memory, " \
           f"{platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit():
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR,
                           capture_output=True, text=True)
    return found.stdout.strip() or "unknown"


def write_report(section_title, body):
    """Replaces one section (## title) of docs/benchmarks.md, keeping the others and the
    notes after NOTES_MARKER."""
    REPORT.parent.mkdir(exist_ok=True)
    old = REPORT.read_text() if REPORT.exists() else ""
    head, _, notes = old.partition(NOTES_MARKER)
    sections = re.split(r"(?m)^(?=## )", head)
    intro = sections[0] if sections[0].strip() and not sections[0].startswith("## ") else (
        "# Benchmarks\n\nWritten by `make bench` (bench/run.py); README.md, \"Speed\", says "
        "how to run it.\n\n")
    kept = [s for s in sections[1:] if not s.startswith(f"## {section_title}\n")]
    new = f"## {section_title}\n\n{body.strip()}\n\n"
    order = ["## Pages", "## Lighthouse", "## Soak"]
    parts = sorted([*kept, new], key=lambda s: next(
        (i for i, prefix in enumerate(order) if s.startswith(prefix)), len(order)))
    REPORT.write_text(intro + "".join(parts) + NOTES_MARKER + (notes or "\n"))


def describe(args, counts, pin):
    return (f"Run of {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit "
            f"`{commit()}` on {machine()}.\n\n"
            f"gunicorn with 2 sync workers {'pinned to core 0' if pin else '(not pinned)'}, "
            f"wrk with 1 thread and {args.connections} connections "
            f"{'pinned to core 1' if pin else '(not pinned)'}; PostgreSQL and Redis are the "
            f"machine's own services (not pinned). Content: {counts}.")


def load_average():
    return Path("/proc/loadavg").read_text().split()[0]


def redis_round_trip():
    """The median time of a small GET from Redis, in microseconds: a cached page costs one."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    times = []
    for _ in range(200):
        started = time.perf_counter()
        client.get("bench:round-trip")
        times.append(time.perf_counter() - started)
    client.close()
    return statistics.median(times) * 1e6


def pages(args, counts, pin, log):
    load_before, redis_before = load_average(), redis_round_trip()
    results = run_rounds(args, pin, log)
    text, shortfalls = table(results)
    summary = "All targets met." if not shortfalls else (
        "Short of target: " + "; ".join(shortfalls) + ".")
    body = (f"{describe(args, counts, pin)} {args.rounds} alternating rounds of "
            f"{args.duration} s per page; medians over the rounds. Each fraction is the "
            f"page's requests per second divided by the mean of the ceiling's measured "
            f"just before and just after it ({args.duration / 2:g} s each), same round and "
            f"mode. Load average (1 min) at the start {load_before}, at the end "
            f"{load_average()}; a small Redis GET took {redis_before:.0f} µs at the start and "
            f"{redis_round_trip():.0f} µs at the end (median of 200).\n\n{text}\n\n"
            f"{summary}")
    print("\n" + text + "\n\n" + summary)
    if not args.no_report:
        write_report("Pages", body)


SOAK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def soak(args, counts, pin, log):
    page_cache = args.cache != "off"
    server = Server(page_cache, pin, log)
    try:
        for _, path in PAGES:
            check_page(path)
            wrk(path, 2, args.connections, pin)
        workers = server.workers()
        before = {pid: rss_kib(pid) for pid in workers}
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(SOAK_SCRIPT % ", ".join(f'"{path}"' for _, path in PAGES))
        measured = wrk("/", args.soak_seconds, args.connections, pin, script=script.name)
        os.unlink(script.name)
        after = {pid: rss_kib(pid) for pid in server.workers()}
    finally:
        server.stop()
    lines = ["| worker | RSS at start (MiB) | RSS at end (MiB) | growth |", "|---|---:|---:|---:|"]
    growths = []
    for pid in workers:
        end = after.get(pid)
        if end is None:
            lines.append(f"| {pid} | {before[pid] / 1024:.1f} | (restarted) | - |")
            continue
        growth = (end - before[pid]) / before[pid]
        growths.append(growth)
        lines.append(f"| {pid} | {before[pid] / 1024:.1f} | {end / 1024:.1f} | "
                     f"{growth:+.1%} |")
    met = measured["errors"] == 0 and all(growth < 0.10 for growth in growths) and growths
    body = (f"{describe(args, counts, pin)} {args.soak_seconds} s over all pages in turn "
            f"with the page cache {'on' if page_cache else 'off'}: {measured['requests']:,} "
            f"requests ({measured['rps']:,.0f} req/s), {measured['errors']} errors, p50 "
            f"{measured['p50']:.1f} ms, p99 {measured['p99']:.1f} ms.\n\n"
            + "\n".join(lines) + "\n\n"
            + ("Target (no errors, memory growth under 10%) met." if met else
               "Target (no errors, memory growth under 10%) NOT met."))
    print(body)
    if not args.no_report:
        write_report("Soak", body)


LIGHTHOUSE = BASE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_PAGES = [("home", "/"), ("condition", "/conditions/neuroblastoma/"),
                    ("trial", "/trials/NCT80000000/")]
TARGET_LIGHTHOUSE = 0.95
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                  "--disable-component-update --disable-sync --no-first-run")


# Chromium sometimes fails to record a page load's trace, and Lighthouse then asks to be run
# again ("NO_NAVSTART"): it is, up to this many times in all.
LIGHTHOUSE_ATTEMPTS = 3


def lighthouse_score(path, output):
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        result = subprocess.run(
            ["node", str(LIGHTHOUSE), BASE_URL + path, f"--chrome-flags={CHROMIUM_FLAGS}",
             "--form-factor=mobile", "--only-categories=performance", "--output=json",
             f"--output-path={output}", "--quiet"],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "CHROME_PATH": CHROMIUM})
        if result.returncode == 0 and Path(output).exists():
            break
        if "NO_NAVSTART" not in result.stderr or attempt == LIGHTHOUSE_ATTEMPTS:
            fail(f"Lighthouse did not run on {path} (attempt {attempt}): "
                 f"{result.stderr.strip()[-300:]}")
        print(f"Lighthouse could not record {path} (NO_NAVSTART), attempt {attempt}: again",
              file=sys.stderr)
    import json

    report = json.loads(Path(output).read_text())
    audits = report["audits"]
    metrics = {name: audits[audit]["displayValue"] for name, audit in [
        ("FCP", "first-contentful-paint"), ("LCP", "largest-contentful-paint"),
        ("TBT", "total-blocking-time"), ("CLS", "cumulative-layout-shift")]}
    return report["categories"]["performance"]["score"], metrics


def lighthouse(args, counts, pin, log):
    if shutil.which("node") is None or not LIGHTHOUSE.exists() or not Path(CHROMIUM).exists():
        fail("Lighthouse needs Node.js, `npm ci` (node_modules/lighthouse) and Chromium "
             f"({CHROMIUM}, or set CHROME_PATH).")
    server = Server(True, pin, log)
    lines = ["| page | performance | FCP | LCP | TBT | CLS | target |",
             "|---|---:|---|---|---|---|---|"]
    short = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name, path in LIGHTHOUSE_PAGES:
                check_page(path)
                score, metrics = lighthouse_score(path, Path(folder) / f"{name}.json")
                met = score is not None and score >= TARGET_LIGHTHOUSE
                short += [] if met else [f"{name} {score}"]
                lines.append(f"| {name} (`{path}`) | {score:.2f} | {metrics['FCP']} | "
                             f"{metrics['LCP']} | {metrics['TBT']} | {metrics['CLS']} | "
                             f">= {TARGET_LIGHTHOUSE}: {'met' if met else 'NOT met'} |")
    finally:
        server.stop()
    body = (f"Run of {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit "
            f"`{commit()}` on {machine()}.\n\nLighthouse (mobile form factor, its simulated "
            f"slow 4G and 4x CPU slowdown, performance only) in Chromium against gunicorn as "
            f"in the page benchmark, page cache on; content {counts}.\n\n"
            + "\n".join(lines) + "\n\n"
            + ("All met." if not short else "Short of target: " + ", ".join(short) + "."))
    print(body)
    if not args.no_report:
        write_report("Lighthouse", body)


def main():
    # Stopped from outside: still run the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(1))
    args = parse_args()
    pin = check_tools()
    environment()
    counts = prepare(args.fresh)
    with tempfile.NamedTemporaryFile("w", prefix="bench-gunicorn-", suffix=".log",
                                     delete=False) as log:
        print(f"gunicorn log: {log.name}")
        if args.soak:
            soak(args, counts, pin, log)
        elif args.lighthouse:
            lighthouse(args, counts, pin, log)
        else:
            pages(args, counts, pin, log)


if __name__ == "__main__":
    main()
