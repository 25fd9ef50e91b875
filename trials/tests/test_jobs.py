"""Imports as jobs: the admin queues them, a task worker runs them, the job page reports."""

import copy
import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal import roles
from trials import services
from trials.forms import MAX_UPLOAD_BYTES
from trials.models import ImportJob, Trial
from trials.tests.factories import study_of

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/trials/trial/import/"
BASE = study_of("NCT03281889.json")


def numbered(count):
    """The saved study `count` times, each under its own NCT number."""
    studies = []
    for i in range(count):
        study = copy.deepcopy(BASE)
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT6{i:07d}"
        studies.append(study)
    return studies


def upload(studies, name="studies.json"):
    return SimpleUploadedFile(name, json.dumps({"studies": studies}).encode(),
                              content_type="application/json")


def job_url(job):
    return reverse("admin:trials_importjob_change", args=[job.pk])


def progress_url(job):
    return reverse("admin:trials_importjob_progress", args=[job.pk])


def steps(response):
    html = response.content.decode()
    listing = html.split('<ol class="import-progress">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", listing, re.S)


def test_a_1200_study_file_imports_through_a_job(client_a, coordinator_a, task_queue,
                                                 django_assert_max_num_queries):
    file_text = json.dumps({"studies": numbered(1200)})
    file = SimpleUploadedFile("studies.json", file_text.encode(), content_type="application/json")
    assert 10_000_000 < file.size < MAX_UPLOAD_BYTES

    # The request only queues the job: a few queries, whatever the file holds, and nothing
    # imported yet. (How long it takes is the machine's business, not a test's.)
    with django_assert_max_num_queries(12):
        response = client_a.post(IMPORT_URL, {"file": file})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert Trial.objects.count() == 0
    assert (job.user, job.kind, job.status, job.total, job.done) == (
        coordinator_a, "file", "queued", 1200, 0)
    assert job.file_name == "studies.json"
    assert job.upload == file_text
    assert task_queue.results(status="READY").count() == 1

    queued = client_a.get(job_url(job))
    assert "<strong class=\"job-status\">Queued</strong>: 0 of 1200 studies done." in (
        queued.content.decode())
    assert "Waiting for the background worker to start it." in queued.content.decode()
    assert client_a.get(progress_url(job)).json() == {
        "status": "queued", "status_label": "Queued", "finished": False, "done": 0,
        "total": 1200, "errors": 0, "summary": ""}

    task_queue.run_due()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1200, 1200)
    assert job.summary == "created: 1200, updated: 0, failed: 0"
    assert job.errors == []
    assert job.finished_at is not None
    assert job.upload == ""  # the file is not kept once imported; its report is
    assert [row["label"] for row in job.results] == [f"NCT6{i:07d}" for i in range(1200)]
    assert {row["outcome"] for row in job.results} == {"created"}
    assert Trial.objects.count() == 1200
    assert Trial.objects.filter(coordinators=coordinator_a).count() == 1200
    assert Trial.objects.filter(status=Trial.Status.DRAFT).count() == 1200

    with django_assert_max_num_queries(12):
        report = client_a.get(job_url(job))
    html = report.content.decode()
    assert "<strong class=\"job-status\">Done</strong>: 1200 of 1200 studies done." in html
    assert "created: 1200, updated: 0, failed: 0" in html
    listed = steps(report)
    assert len(listed) == 1200
    assert listed[0] == "[1/1200] NCT60000000: created"
    assert listed[-1] == "[1200/1200] NCT60001199: created"
    assert html.count("Created <a href=") == 1200
    assert client_a.get(progress_url(job)).json()["finished"] is True


def test_a_running_job_writes_its_progress_as_it_goes(client_a, task_queue, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY_SECONDS", 0)
    seen = []
    real_import = services.trial_import

    def watched_import(*, study, user=None):
        job = ImportJob.objects.get()
        seen.append((job.status, job.done, len(job.results)))
        return real_import(study=study, user=user)

    monkeypatch.setattr(services, "trial_import", watched_import)
    bad = copy.deepcopy(BASE)
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT6000000X"
    client_a.post(IMPORT_URL, {"file": upload([*numbered(2), bad, *numbered(3)[2:]])})
    task_queue.run_due()

    assert seen == [("running", 0, 0), ("running", 1, 1), ("running", 2, 2), ("running", 3, 3)]
    job = ImportJob.objects.get()
    assert (job.status, job.done) == ("done", 4)
    assert job.summary == "created: 3, updated: 0, failed: 1"
    assert job.errors == ["NCT6000000X: the record has no valid NCT number."]
    assert job.results[2] == {"label": "NCT6000000X",
                              "outcome": "failed: NCT6000000X: the record has no valid NCT number."}
    report = client_a.get(job_url(job)).content.decode()
    assert '<strong class="job-status">Done, 1 failed</strong>: 4 of 4 studies done.' in report


def test_only_the_owner_or_a_superuser_sees_a_job(client, client_a, coordinator_b, admin_client,
                                                  task_queue):
    client_a.post(IMPORT_URL, {"file": upload(numbered(1))})
    job = ImportJob.objects.get()

    assert client_a.get(job_url(job)).status_code == 200
    assert admin_client.get(job_url(job)).status_code == 200
    assert admin_client.get(progress_url(job)).status_code == 200
    mine = client_a.get(reverse("admin:trials_importjob_changelist"))
    assert list(mine.context["cl"].result_list) == [job]

    client.force_login(coordinator_b)
    assert client.get(job_url(job)).status_code == 404
    assert client.get(progress_url(job)).status_code == 404
    theirs = client.get(reverse("admin:trials_importjob_changelist"))
    assert list(theirs.context["cl"].result_list) == []
    # Nobody adds, edits or deletes jobs by hand, except a superuser deleting one.
    assert client_a.get(reverse("admin:trials_importjob_add")).status_code == 403
    delete = reverse("admin:trials_importjob_delete", args=[job.pk])
    assert client_a.get(delete).status_code == 403
    assert admin_client.get(delete).status_code == 200


def test_other_roles_have_no_job_pages(client, django_user_model, client_a, task_queue):
    from portal.tests.support import staff_user

    client_a.post(IMPORT_URL, {"file": upload(numbered(1))})
    job = ImportJob.objects.get()
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS, username="ed"))
    for url in (job_url(job), progress_url(job),
                reverse("admin:trials_importjob_changelist")):
        assert client.get(url).status_code == 403, url


def test_the_job_page_updates_itself_with_a_static_script(client_a, task_queue):
    client_a.post(IMPORT_URL, {"nct_ids": "NCT03281889"})
    job = ImportJob.objects.get()
    html = client_a.get(job_url(job)).content.decode()

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("src=" in tag for tag in scripts), "no inline script: the CSP forbids it"
    assert any("trials/js/import-job.js" in tag for tag in scripts)
    assert finders.find("trials/js/import-job.js")
    assert f'data-progress-url="{progress_url(job)}"' in html
    assert 'data-finished="false"' in html
    assert f'<a href="{job_url(job)}">Reload</a>' in html


def test_a_job_of_someone_who_may_no_longer_import_fails_clearly(client_a, coordinator_a,
                                                                 task_queue):
    client_a.post(IMPORT_URL, {"file": upload(numbered(2))})
    coordinator_a.groups.clear()
    task_queue.run_due()

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors == ["The person who asked for this import may no longer import trials."]
    assert Trial.objects.count() == 0


def test_the_command_still_imports_in_the_foreground(tmp_path, task_queue):
    from django.core.management import call_command

    path = tmp_path / "three.json"
    path.write_text(json.dumps({"studies": numbered(3)}))
    out = io.StringIO()
    call_command("import_trials", "--file", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "created: 3, updated: 0, failed: 0"
    assert Trial.objects.count() == 3
    assert ImportJob.objects.count() == 0
