"""The import job page in Chromium: it follows a running job by itself and passes axe."""

import pytest

from portal.tests.support import AXE_JS, require, run_axe, totp_code, two_step_verified
from trials.tests.factories import STUDY_FILES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_a_running_job(live_server, page, django_user_model, task_queue):
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")
    boss = two_step_verified(
        django_user_model.objects.create_superuser("boss", "boss@hospital.example", "pw")
    )
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/trials/trial/import/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.fill("#id_otp_token", totp_code(boss))  # the second sign-in step
    page.click("input[type=submit]")
    page.set_input_files("#id_file", str(STUDY_FILES / "NCT03281889.json"))
    page.click("input[type=submit][value=Import]")

    assert "/admin/trials/importjob/" in page.url
    assert page.inner_text("#job-progress-text") == "Queued: 0 of 1 studies done."
    assert page.get_attribute("#job-progress-bar", "value") == "0"

    task_queue.run_due()  # a worker runs the job; the page notices without a click

    page.wait_for_selector('#job-progress[data-finished="true"]', state="attached",
                           timeout=15_000)
    assert page.inner_text("#job-progress-text").startswith("Done: 1 of 1 studies done.")
    assert page.inner_text(".import-progress") == "[1/1] NCT03281889: created"
    assert page.get_attribute("#job-progress-bar", "value") == "1"
    assert run_axe(page) == []
    assert csp_errors == []
