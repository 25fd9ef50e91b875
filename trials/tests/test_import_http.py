"""Fetching from the registry over real HTTP, against a small server on 127.0.0.1."""

import io
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from portal.tests.support import clean_env
from trials.models import Outcome, RegistrySite, Trial
from trials.registry import TrialImportError, studies_from_json, trial_fetch
from trials.services import trials_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
STUDIES = "/api/v2/studies/"
SLOW_SECONDS = 3


class FakeRegistry(BaseHTTPRequestHandler):
    """GET /api/v2/studies/<NCT>: one canned answer per NCT number."""

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Accept")))
        nct_id = self.path.removeprefix(STUDIES) if self.path.startswith(STUDIES) else None
        if nct_id == "NCT03281889":
            self.answer(200, (FIXTURES / "NCT03281889.json").read_bytes())
        elif nct_id == "NCT00000404":
            self.answer(404, b'{"message": "not found"}')
        elif nct_id == "NCT00000429":
            self.answer(429, b"Too Many Requests", "text/plain")
        elif nct_id == "NCT00000500":
            self.answer(500, b"Internal Server Error", "text/plain")
        elif nct_id == "NCT00000666":
            self.answer(200, b"not json{")
        elif nct_id == "NCT00000777":
            self.server.stopping.wait(SLOW_SECONDS)
            self.answer(200, (FIXTURES / "NCT03281889.json").read_bytes())
        else:  # a wrong URL must not look like one of the answers under test
            self.answer(400, b"unexpected path", "text/plain")

    def answer(self, code, body, content_type="application/json"):
        try:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (slow answer)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def registry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistry)
    server.requests = []
    server.stopping = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.fixture(autouse=True)
def ctgov(registry, settings, monkeypatch):
    """The importer talks to the fake registry, directly (no proxy), with a 1 s timeout."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    settings.CTGOV_API_URL = f"http://127.0.0.1:{registry.server_address[1]}/api/v2"
    settings.CTGOV_TIMEOUT = 1
    registry.requests.clear()
    return registry


def assert_nothing_written():
    assert Trial.objects.count() == 0
    assert Outcome.objects.count() == 0
    assert RegistrySite.objects.count() == 0


def test_fetch_returns_the_studies_of_the_response(ctgov):
    studies = trial_fetch(nct_id=" nct03281889 ")
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in studies] == [
        "NCT03281889"]
    assert studies[0]["protocolSection"]["statusModule"]["overallStatus"] == "RECRUITING"
    assert ctgov.requests == [("/api/v2/studies/NCT03281889", "application/json")]
    assert_nothing_written()


def test_fetch_and_import_creates_the_trial():
    calls = []
    result = trials_import(nct_ids=["NCT03281889"],
                                     progress=lambda *args: calls.append(args))
    trial = Trial.objects.get()
    assert result.created == [trial]
    assert (result.updated, result.failed) == ([], [])
    assert trial.nct_id == "NCT03281889"
    assert trial.brief_title.startswith("Proton Craniospinal Irradiation")
    assert (trial.minimum_age_years, trial.maximum_age_years) == (3.0, 18.0)
    assert trial.registry_sites.count() == 2
    assert trial.source == Trial.Source.CTGOV
    assert trial.last_synced_at is not None
    assert trial.status == Trial.Status.DRAFT
    assert calls == [(1, 1, "NCT03281889", "created")]

    again = trials_import(nct_ids=["NCT03281889"])
    assert [t.pk for t in again.updated] == [trial.pk]
    assert Trial.objects.count() == 1


@pytest.mark.parametrize(
    ("nct_id", "message"),
    [
        ("NCT00000404", "ClinicalTrials.gov has no study NCT00000404."),
        ("NCT00000429", "ClinicalTrials.gov is limiting requests: wait a minute and try again."),
        ("NCT00000500", "ClinicalTrials.gov answered with HTTP 500."),
        ("NCT00000666", "The response is not valid JSON."),
    ],
)
def test_fetch_failures_have_a_clear_message_and_write_nothing(ctgov, nct_id, message):
    with pytest.raises(TrialImportError) as error:
        trial_fetch(nct_id=nct_id)
    assert str(error.value) == message
    assert ctgov.requests == [(f"/api/v2/studies/{nct_id}", "application/json")]

    result = trials_import(nct_ids=[nct_id])
    assert result.failed == [(nct_id, message)]
    assert (result.created, result.updated) == ([], [])
    assert_nothing_written()


def test_a_slow_registry_times_out_quickly():
    started = time.monotonic()
    with pytest.raises(TrialImportError) as error:
        trial_fetch(nct_id="NCT00000777")
    elapsed = time.monotonic() - started
    assert str(error.value) == "ClinicalTrials.gov did not answer in time."
    assert 0.9 <= elapsed < 2.5
    assert_nothing_written()


def test_a_closed_port_cannot_be_reached(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CTGOV_API_URL = f"http://127.0.0.1:{port}/api/v2"
    with pytest.raises(TrialImportError) as error:
        trial_fetch(nct_id="NCT03281889")
    assert str(error.value).startswith("Could not reach ClinicalTrials.gov (")
    assert str(error.value).endswith(
        "Try again later, or import a file saved from its API (the study's JSON).")
    assert "refused" in str(error.value).lower()
    result = trials_import(nct_ids=["NCT03281889"])
    assert result.failed[0][0] == "NCT03281889"
    assert result.failed[0][1].startswith("Could not reach ClinicalTrials.gov")
    assert_nothing_written()


def test_one_failure_among_several_numbers_leaves_the_others_imported():
    calls = []
    result = trials_import(nct_ids=["NCT00000404", "NCT03281889", "NCT00000666"],
                                     progress=lambda *args: calls.append(args))
    assert [t.nct_id for t in result.created] == ["NCT03281889"]
    assert result.failed == [
        ("NCT00000404", "ClinicalTrials.gov has no study NCT00000404."),
        ("NCT00000666", "The response is not valid JSON."),
    ]
    assert calls == [
        (1, 3, "NCT00000404", "failed: ClinicalTrials.gov has no study NCT00000404."),
        (2, 3, "NCT03281889", "created"),
        (3, 3, "NCT00000666", "failed: The response is not valid JSON."),
    ]
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT03281889"]


def test_command_imports_by_nct_number(ctgov):
    out = io.StringIO()
    call_command("import_trials", "nct03281889", stdout=out)
    assert out.getvalue() == "[1/1] NCT03281889: created\ncreated: 1, updated: 0, failed: 0\n"
    assert ctgov.requests == [("/api/v2/studies/NCT03281889", "application/json")]
    assert list(Trial.objects.values_list("nct_id", "status")) == [("NCT03281889", "draft")]


def test_command_fails_for_a_number_the_registry_does_not_have():
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_trials", "NCT00000404", stdout=out)
    assert str(error.value) == "NCT00000404: ClinicalTrials.gov has no study NCT00000404."
    assert out.getvalue().splitlines() == [
        "[1/1] NCT00000404: failed: ClinicalTrials.gov has no study NCT00000404.",
        "created: 0, updated: 0, failed: 1",
    ]
    assert_nothing_written()


def test_saved_studies_and_nct_numbers_are_imported_in_one_call():
    calls = []
    saved = (FIXTURES / "NCT04431453.json").read_bytes()
    result = trials_import(studies=studies_from_json(saved),
                           nct_ids=["NCT03281889", "NCT00000404"],
                           progress=lambda *args: calls.append(args))

    assert [t.nct_id for t in result.created] == ["NCT04431453", "NCT03281889"]
    assert result.failed == [("NCT00000404", "ClinicalTrials.gov has no study NCT00000404.")]
    assert [str(step) for step in result.steps] == [
        "[1/3] NCT04431453: created",
        "[2/3] NCT03281889: created",
        "[3/3] NCT00000404: failed: ClinicalTrials.gov has no study NCT00000404.",
    ]
    assert calls == [(s.index, s.total, s.label, s.outcome) for s in result.steps]
    assert result.summary == "created: 2, updated: 0, failed: 1"


@pytest.mark.parametrize(("value", "expected"), [
    (None, "https://clinicaltrials.gov/api/v2"),
    ("http://127.0.0.1:8999/api/v2", "http://127.0.0.1:8999/api/v2"),
])
def test_the_registry_address_comes_from_ctgov_api_url(value, expected):
    env = clean_env(DJANGO_DEBUG="true")
    env.pop("CTGOV_API_URL", None)
    if value is not None:
        env["CTGOV_API_URL"] = value
    code = "import django; from django.conf import settings; django.setup(); " \
           "print(settings.CTGOV_API_URL)"
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
