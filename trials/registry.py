"""ClinicalTrials.gov API v2: fetching a study over HTTP and reading a response's studies.

Nothing here touches the database; mapping a study to trial fields is in trials.mapping.
"""

import json
import time
import urllib.error
import urllib.request

from django.conf import settings

from trials.models import is_nct_id


class TrialImportError(Exception):
    """A response or study that cannot be imported; the message says why, in one line.

    `status` is the registry's HTTP status when it answered with an error, and `retry_after`
    its Retry-After header, if any."""

    def __init__(self, message, *, status=None, retry_after=None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self):
        """Too many requests, or a server error: worth asking again after a pause."""
        return self.status is not None and (self.status == 429 or self.status >= 500)


def trial_fetch(*, nct_id, timeout=None):
    """The studies of the registry's answer for one NCT number (a list of one study)."""
    nct_id = nct_id.strip().upper()
    if not is_nct_id(nct_id):
        raise TrialImportError(f"{nct_id!r} is not an NCT number (NCT followed by 8 digits).")
    url = f"{settings.CTGOV_API_URL.rstrip('/')}/studies/{nct_id}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout or settings.CTGOV_TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        answer = {"status": error.code, "retry_after": error.headers.get("Retry-After")}
        if error.code == 404:
            raise TrialImportError(f"ClinicalTrials.gov has no study {nct_id}.",
                                   **answer) from error
        if error.code == 429:
            raise TrialImportError(
                "ClinicalTrials.gov is limiting requests: wait a minute and try again.", **answer
            ) from error
        raise TrialImportError(f"ClinicalTrials.gov answered with HTTP {error.code}.",
                               **answer) from error
    except TimeoutError as error:
        raise TrialImportError("ClinicalTrials.gov did not answer in time.") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise TrialImportError("ClinicalTrials.gov did not answer in time.") from error
        raise TrialImportError(
            f"Could not reach ClinicalTrials.gov ({reason}). Try again later, or import a "
            "file saved from its API (the study's JSON).") from error
    return studies_from_json(body)


def studies_from_json(body):
    """The studies in an API v2 response: one study or a {"studies": [...]} page.

    Only the outer shape is checked here; each study is validated on its own when mapped.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise TrialImportError("The response is not valid JSON.") from error
    except RecursionError as error:
        raise TrialImportError(
            "The response is nested too deeply to be a ClinicalTrials.gov study."
        ) from error
    if isinstance(data, dict) and ("FullStudiesResponse" in data or "ProtocolSection" in data
                                   or "FullStudy" in data):
        raise TrialImportError(
            "This is the retired classic ClinicalTrials.gov format; "
            "download the study again from the API v2 (/api/v2/studies/NCT...)."
        )
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        return data["studies"]
    if isinstance(data, dict) and "protocolSection" in data:
        return [data]
    raise TrialImportError(
        "This is not a ClinicalTrials.gov API v2 study or page of studies."
    )


class PoliteFetcher:
    """Fetching many studies without straining the registry: at most `rate` requests a
    second, and a 429 or 5xx answer retried after a growing pause (the registry's
    Retry-After when it sends one), at most `tries` times in all.

    `clock` and `sleep` are time.monotonic and time.sleep unless a test gives its own.
    """

    def __init__(self, *, rate=3, tries=5, first_pause=2.0, longest_pause=120.0,
                 clock=None, sleep=None, fetch=None):
        self.interval = 1.0 / rate
        self.tries = tries
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.fetch_one = fetch or trial_fetch
        self.last_request = None
        self.requests = 0

    def wait_turn(self):
        now = self.clock()
        if self.last_request is not None:
            gap = self.last_request + self.interval - now
            if gap > 0:
                self.sleep(gap)
                now = self.clock()
        self.last_request = now

    def pause_after(self, error, attempt):
        pause = self.first_pause * 2 ** (attempt - 1)
        if error.retry_after and error.retry_after.strip().isdigit():  # seconds, not a date
            pause = float(error.retry_after.strip())
        return min(pause, self.longest_pause)

    def fetch(self, *, nct_id, timeout=None):
        """The studies of the registry's answer for one NCT number, as trial_fetch."""
        attempt = 1
        while True:
            self.wait_turn()
            self.requests += 1
            try:
                return self.fetch_one(nct_id=nct_id, timeout=timeout)
            except TrialImportError as error:
                if not error.retryable or attempt >= self.tries:
                    raise
                self.sleep(self.pause_after(error, attempt))
            attempt += 1
