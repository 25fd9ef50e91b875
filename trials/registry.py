"""ClinicalTrials.gov API v2: fetching a study over HTTP and reading a response's studies.

Nothing here touches the database; mapping a study to trial fields is in trials.mapping.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

from trials.models import is_nct_id


class TrialImportError(Exception):
    """A response or study that cannot be imported; the message says why, in one line."""


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
        if error.code == 404:
            raise TrialImportError(f"ClinicalTrials.gov has no study {nct_id}.") from error
        if error.code == 429:
            raise TrialImportError(
                "ClinicalTrials.gov is limiting requests: wait a minute and try again."
            ) from error
        raise TrialImportError(f"ClinicalTrials.gov answered with HTTP {error.code}.") from error
    except TimeoutError as error:
        raise TrialImportError("ClinicalTrials.gov did not answer in time.") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise TrialImportError("ClinicalTrials.gov did not answer in time.") from error
        raise TrialImportError(f"Could not reach ClinicalTrials.gov ({reason}).") from error
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
