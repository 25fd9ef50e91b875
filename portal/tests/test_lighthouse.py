"""Lighthouse (mobile settings, the system Chromium) on the home, a condition and a trial page."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import CHROMIUM, CHROMIUM_ARGS
from portal.tests.support import BASE_DIR, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIGHTHOUSE = Path(BASE_DIR) / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = ["/", "/conditions/neuroblastoma/", "/trials/NCT99990003/"]
# The least each category may score (1.0 is the maximum).
MINIMUM = {"accessibility": 1.0, "best-practices": 0.95, "seo": 0.95}


def lighthouse(url, output):
    result = subprocess.run(
        ["node", str(LIGHTHOUSE), url, f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
         "--form-factor=mobile", f"--only-categories={','.join(MINIMUM)}",
         "--output=json", f"--output-path={output}", "--quiet"],
        capture_output=True, text=True, timeout=240,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    if result.returncode != 0 or not output.exists():
        pytest.fail(f"Lighthouse did not run on {url}: {result.stderr.strip()[-500:]}")
    return json.loads(output.read_text())


def failing_audits(report, category):
    audits = report["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']]['title']}"
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and (audits[ref["id"]]["score"] or 0) < 1
        and audits[ref["id"]]["scoreDisplayMode"] == "binary"
    ]


def test_lighthouse_scores(live_server, tmp_path):
    require(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    require(LIGHTHOUSE.exists(), "Lighthouse is not installed (npm ci)")
    require(shutil.which("node") is not None, "Node.js is not installed for Lighthouse")
    call_command("load_demo", verbosity=0)
    problems = []
    for n, path in enumerate(PAGES):
        report = lighthouse(live_server.url + path, tmp_path / f"{n}.json")
        for category, least in MINIMUM.items():
            score = report["categories"][category]["score"]
            if score is None or score < least:
                problems.append(f"{path} {category} {score}: {failing_audits(report, category)}")
    assert not problems, "\n".join(problems)
