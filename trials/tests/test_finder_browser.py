"""The trial finder in real Chromium."""

import pytest

from trials.models import OverallStatus
from trials.tests.factories import make_trial, nct

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_back_to_the_unfiltered_list_shows_no_filters_chosen(live_server, browser, width):
    # The browser would put back the choices made before the form was sent: "Open to new
    # patients" beside a list that holds closed trials too.
    make_trial(nct(1), brief_title="Open one", overall_status=OverallStatus.RECRUITING)
    make_trial(nct(2), brief_title="Closed one", overall_status=OverallStatus.COMPLETED)
    context = browser.new_context(viewport={"width": width, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/trials/")
    page.select_option("#id_status", "open")
    page.fill("#id_q", "one")
    with page.expect_navigation():
        page.get_by_role("button", name="Show trials").click()
    assert page.locator(".result-count").inner_text() == "1 trial matches your search"
    assert page.input_value("#id_status") == "open"

    page.go_back()
    page.wait_for_load_state()
    assert page.locator(".result-count").inner_text() == "2 trials"
    assert page.input_value("#id_status") == ""
    assert page.input_value("#id_q") == ""

    page.go_forward()
    page.wait_for_load_state()
    assert page.locator(".result-count").inner_text() == "1 trial matches your search"
    assert page.input_value("#id_status") == "open"
    assert page.input_value("#id_q") == "one"
    context.close()
