"""What the review page lists as changed between the live item and its draft."""

from portal.diff import changes_between

KEY = ("conditions.section", "1")


def test_line_endings_alone_are_not_a_change():
    live = {KEY: {"heading": "Overview", "body": "First line.\nSecond line.\n\n- a point"}}
    sent = {KEY: {"heading": "Overview", "body": "First line.\r\nSecond line.\r\n\r\n- a point"}}
    assert changes_between(live, sent) == []


def test_a_real_change_is_listed_word_by_word():
    live = {KEY: {"heading": "Overview", "body": "First line.\nSecond line."}}
    sent = {KEY: {"heading": "Overview", "body": "First line.\r\nAnother line."}}
    [change] = changes_between(live, sent)
    assert change["kind"] == "changed"
    assert "<ins>Another</ins>" in change["html"]
    assert "<del>Second</del>" in change["html"]


def test_a_change_keeps_the_lines_and_paragraphs_of_the_text():
    live = {KEY: {"heading": "Overview", "body": "Signs:\n\n- a lump\n- bruising"}}
    sent = {KEY: {"heading": "Overview", "body": "Signs:\r\n\r\n- a lump\r\n- a fever"}}
    [change] = changes_between(live, sent)
    assert change["html"] == "Signs:\n\n- a lump\n- <del>bruising</del> <ins>a fever</ins>"
    # A line added or removed is marked as such, and the others stay on their own lines.
    [added] = changes_between(live, {KEY: {"heading": "Overview",
                                            "body": "Signs:\n\n- a lump\n- new\n- bruising"}})
    assert added["html"] == "Signs:\n\n- a lump\n- <ins>new\n-</ins> bruising"


def test_a_move_in_a_list_says_which_way():
    live = {KEY: {"heading": "Symptoms", "order": 1},
            ("conditions.section", "2"): {"heading": "Overview", "order": 0}}
    sent = {KEY: {"heading": "Symptoms", "order": 0},
            ("conditions.section", "2"): {"heading": "Overview", "order": 1}}
    assert [(change["part"], change["field"], change["html"])
            for change in changes_between(live, sent)] == [
        ("Section \u201cSymptoms\u201d", "Place in the list", "Moved up"),
        ("Section \u201cOverview\u201d", "Place in the list", "Moved down"),
    ]


def test_times_are_shown_as_the_admin_shows_them(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    old = {("conditions.story", "1"): {"title": "T", "unpublish_at": None}}
    new = {("conditions.story", "1"): {"title": "T", "unpublish_at": "2026-11-30T06:20:00Z"}}
    [change] = changes_between(old, new)
    assert change["field"] == "Unpublish from"
    assert change["html"] == "<ins>29 Nov 2026, 22:20</ins>"


def test_a_time_saved_back_by_the_form_is_no_change_but_any_other_time_is(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    key = ("conditions.story", "1")

    def changed(before, after):
        return changes_between({key: {"title": "T", "publish_at": before}},
                               {key: {"title": "T", "publish_at": after}})

    # Kept to the microsecond, saved back from the form to the second.
    assert changed("2026-11-30T06:20:07.123Z", "2026-11-30T06:20:07Z") == []
    # A few seconds, and an hour that reads the same on the clock (the night the clocks go
    # back, 1 November 2026: 08:30 and 09:30 UTC are both 01:30 there), are changes.
    assert len(changed("2026-11-30T06:20:07Z", "2026-11-30T06:20:37Z")) == 1
    assert len(changed("2026-11-01T08:30:00Z", "2026-11-01T09:30:00Z")) == 1


def test_values_worked_out_on_save_are_not_listed():
    key = ("trials.trial", "1")
    old = {key: {"brief_title": "A", "plain_summary_html": "<p>x</p>", "group_rank": 0,
                 "maximum_age_years": 18.0}}
    new = {key: {"brief_title": "A", "plain_summary_html": "<p>y</p>", "group_rank": 3,
                 "maximum_age_years": 21.0}}
    assert changes_between(old, new) == []


def test_a_row_without_a_heading_is_named_by_its_own_fields():
    """A reviewer reads which opening hours changed (the day) and which closed day was
    added, not "Opening hours | Closes" or "Closure | added" with nothing beside it."""
    hours = ("care_sites.openinghours", "7")
    live = {hours: {"location": 1, "weekday": 0, "opens": "08:30:00", "closes": "17:00:00"}}
    sent = {hours: {"location": 1, "weekday": 0, "opens": "08:30:00", "closes": "19:00:00"},
            ("care_sites.closure", "new-1"): {"location": 1, "date": "2026-12-24",
                                              "note": "Christmas Eve"}}
    assert [(change["part"], change["field"], change["html"])
            for change in changes_between(live, sent)] == [
        ("Opening hours \u201cMonday 08:30-19:00\u201d", "Closes",
         "<del>17:00</del> <ins>19:00</ins>"),
        ("Closure \u201c2026-12-24 Christmas Eve\u201d", "added",
         "<ins>2026-12-24 Christmas Eve</ins>"),
    ]
