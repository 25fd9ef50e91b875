import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conditions.models import Condition, Reference, Section, Story
from conditions.tests.factories import make_condition
from portal.readability import flesch_kincaid_grade

pytestmark = pytest.mark.django_db


def test_published_shows_only_live_conditions():
    now = timezone.now()
    live = make_condition(slug="live", publish_at=now - datetime.timedelta(minutes=1))
    make_condition(slug="draft", status=Condition.Status.DRAFT)
    make_condition(slug="future", publish_at=now + datetime.timedelta(days=1))
    assert list(Condition.objects.published()) == [live]
    assert live.is_live


def test_review_due_includes_overdue_and_soon_but_not_later():
    today = timezone.localdate()
    overdue = make_condition(slug="a", next_review_due=today - datetime.timedelta(days=1))
    soon = make_condition(slug="b", next_review_due=today + datetime.timedelta(days=20))
    make_condition(slug="c", next_review_due=today + datetime.timedelta(days=200))
    make_condition(slug="d")
    assert set(Condition.objects.review_due()) == {overdue, soon}
    assert overdue.review_state == "overdue"
    assert soon.review_state == "due soon"


def test_next_review_must_follow_the_last_review():
    condition = Condition(name="X", slug="x", summary="s", last_reviewed=datetime.date(2025, 9, 30),
                          next_review_due=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="after the last"):
        condition.full_clean()


def test_disclaimer_falls_back_to_the_site_wide_statement(settings):
    settings.CONDITION_DISCLAIMER = "Site-wide statement."
    assert make_condition(slug="a").shown_disclaimer == "Site-wide statement."
    assert make_condition(slug="b", disclaimer="Our own.").shown_disclaimer == "Our own."


def test_section_body_is_rendered_on_save_with_a_reading_grade():
    section = make_condition().sections.create(
        heading="Symptoms", kind=Section.Kind.SYMPTOMS,
        body="Some signs are common. Others are rare.\n\n- **Belly pain**\n- A lump\n- Fever "
             "that does not go away after a few days",
    )
    assert "<li><strong>Belly pain</strong></li>" in section.body_html
    assert section.reading_grade is not None
    section.body = "Changed text only, with nothing else in it at all today."
    section.save(update_fields=["body"])
    section.refresh_from_db()
    assert section.body_html == "<p>Changed text only, with nothing else in it at all today.</p>"


def test_section_anchors_are_unique_and_stable():
    condition = make_condition()
    first = condition.sections.create(heading="Treatment")
    second = condition.sections.create(heading="Treatment")
    references = condition.sections.create(heading="References")
    assert (first.anchor, second.anchor) == ("treatment", "treatment-2")
    assert references.anchor == "references-2"  # the page's own references block keeps its id
    first.heading = "How it is treated"
    first.save()
    assert first.anchor == "treatment"
    sub = first.subsections.create(heading="Surgery")
    assert sub.anchor == "treatment-surgery"


def test_treatment_options_group_by_age():
    category = make_condition().staging_categories.create(name="Disseminated", definition="d")
    category.options.create(order=1, text="Watch closely", age_group="under_1")
    category.options.create(order=2, text="Chemotherapy", age_group="under_1")
    category.options.create(order=3, text="Intensive therapy", age_group="1_or_older")
    groups = [(label, [o.text for o in options]) for label, options in category.option_groups()]
    assert groups == [
        ("Younger than 1 year", ["Watch closely", "Chemotherapy"]),
        ("1 year or older", ["Intensive therapy"]),
    ]


def test_reference_doi_is_normalised_and_linked():
    reference = Reference(condition=make_condition(), title="t", doi="https://doi.org/10.1200/JCO.21.00278")
    reference.full_clean()
    assert reference.doi == "10.1200/JCO.21.00278"
    assert reference.doi_url == "https://doi.org/10.1200/JCO.21.00278"
    reference.doi = "not-a-doi"
    with pytest.raises(ValidationError, match=r"starts with 10\."):
        reference.full_clean()
    for unfinished in ["10.1000", "10.1000/", "10.12/abc", "10.1200/JCO 21.00278"]:
        reference.doi = unfinished
        with pytest.raises(ValidationError, match="a slash and the work's own part"):
            reference.full_clean()
    reference.doi = "10.1000.10/ABC-123(4)"  # a registrant number with a dotted part
    reference.full_clean()


@pytest.mark.parametrize(("year", "accepted"), [
    (1800, True), (2021, True), (None, True), (1799, False), (20255, False),
])
def test_reference_year_must_be_a_real_publication_year(year, accepted):
    reference = Reference(condition=make_condition(), title="t", year=year)
    if accepted:
        reference.full_clean()
    else:
        with pytest.raises(ValidationError, match="Enter the year it was published"):
            reference.full_clean()


def test_reference_year_allows_next_year_for_work_in_press_and_no_later():
    this_year = timezone.localdate().year
    Reference(condition=make_condition(), title="t", year=this_year + 1).full_clean()
    with pytest.raises(ValidationError, match="for a work in press"):
        Reference(condition=Condition.objects.get(), title="t", year=this_year + 2).full_clean()


def test_reference_cannot_be_read_on_a_future_day():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    reference = Reference(condition=make_condition(), title="t", accessed=tomorrow)
    with pytest.raises(ValidationError, match="cannot be later than today"):
        reference.full_clean()
    reference.accessed = timezone.localdate()
    reference.full_clean()


def test_a_reference_with_several_problems_names_them_all_at_once():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    reference = Reference(condition=make_condition(), title="t", year=1200,
                          accessed=tomorrow, doi="not a doi at all")
    with pytest.raises(ValidationError) as raised:
        reference.full_clean()
    assert set(raised.value.message_dict) == {"year", "accessed", "doi"}


def test_an_address_typed_in_capitals_is_kept_in_lower_case_and_must_be_free():
    make_condition()  # neuroblastoma
    other = Condition(name="Another", slug="Neuroblastoma", summary="s")
    with pytest.raises(ValidationError) as raised:
        other.full_clean()
    assert "slug" in raised.value.message_dict
    other.slug = "Wilms-Tumor"
    other.full_clean()
    other.save()
    other.refresh_from_db()
    assert other.slug == "wilms-tumor"
    story = Story.objects.create(title="T", slug="Baby-Theo", summary="s", body="b")
    assert Story.objects.get(pk=story.pk).slug == "baby-theo"


def test_story_image_needs_a_description():
    from django.core.files.uploadedfile import SimpleUploadedFile

    story = Story(title="t", slug="t", summary="s", image=SimpleUploadedFile("a.png", b"x"))
    with pytest.raises(ValidationError) as error:
        story.clean()
    assert "image_alt" in error.value.message_dict


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("The cat sat on the mat. The dog ran to the park. We had fun in the sun today.", 0, 3),
        ("Neuroblastoma is a malignant embryonal neoplasm originating from primordial neural "
         "crest derivatives of the sympathoadrenal lineage, frequently presenting with "
         "metastatic dissemination.", 16, 40),
    ],
)
def test_reading_grade_tracks_difficulty(text, low, high):
    assert low <= flesch_kincaid_grade(text) <= high


def test_reading_grade_needs_enough_text():
    assert flesch_kincaid_grade("Too short.") is None


def test_one_endless_sentence_is_saved_at_the_highest_grade_the_field_keeps():
    # 2,600 words without a full stop score in the thousands; the field keeps 999.9 at most.
    run_on = " ".join(["children with neuroblastoma need care"] * 520)
    condition = make_condition()
    section = Section.objects.create(condition=condition, order=1, kind="overview",
                                     heading="Overview", anchor="overview", body=run_on)
    section.refresh_from_db()
    assert float(section.reading_grade) == 99.9
    story = Story.objects.create(title="Run on", slug="run-on", summary="A story.", body=run_on)
    story.refresh_from_db()
    assert float(story.reading_grade) == 99.9


def test_reading_grade_is_textstats_and_ignores_markdown_syntax():
    import textstat

    plain = ("Neuroblastoma is a cancer of young nerve cells. It most often starts in the "
             "adrenal glands, which sit on top of the kidneys.")
    marked = ("**Neuroblastoma** is a cancer of [young nerve cells](https://example.org). It "
              "most often starts in the *adrenal glands*, which sit on top of the kidneys.")
    assert flesch_kincaid_grade(plain) == round(textstat.flesch_kincaid_grade(plain), 1)
    assert flesch_kincaid_grade(marked) == flesch_kincaid_grade(plain)


def test_each_list_item_reads_as_a_sentence():
    items = ["Bulging eyes and dark circles around the eyes", "Weakness in the legs",
             "A fever that does not go away", "Pale skin from anaemia", "Pain in the bones"]
    as_list = "\n".join(f"- {item}" for item in items)
    as_sentences = " ".join(f"{item}." for item in items)
    assert flesch_kincaid_grade(as_list) == flesch_kincaid_grade(as_sentences)
    assert flesch_kincaid_grade(as_list) < 8


@pytest.mark.parametrize(("fields", "kind", "book"), [
    ({"source": "In: Pizzo P.A., Poplack D.G., eds. Principles of Oncology. 7th ed. Wolters "
               "Kluwer.", "pages": "772-792"},
     "chapter", "Principles of Oncology. 7th ed. Wolters Kluwer"),
    ({"source": "in: A Handbook for Parents"}, "chapter", "A Handbook for Parents"),
    ({"source": "Nature", "volume": "455(7215)"}, "article", ""),
    ({"source": "Radiology", "doi": "10.1148/radiol.11101352"}, "article", ""),
    ({"source": "National Cancer Institute", "url": "https://www.cancer.gov/"}, "web page", ""),
    ({"source": "Y-mAbs Therapeutics"}, "document", ""),
])
def test_a_reference_is_read_as_the_work_it_is(fields, kind, book):
    reference = Reference(title="A work", **fields)
    assert reference.kind == kind
    if book:
        assert reference.book == book
    assert not reference.cited_source.endswith(".")
