"""The neuroblastoma demo page carries each fact its two reference pages state, and
contradicts none of them.

Each row of FACTS names where a fact belongs and the words that must appear there; a tuple
lists words of which any one will do (spellings, or two ways to say the same thing).
"""

import re

import pytest
from django.core.management import call_command

from conditions.demo_content import GLOSSARY, NEUROBLASTOMA, OTHER_CONDITIONS
from conditions.models import Condition, Story

SECTIONS = {section["kind"]: section for section in NEUROBLASTOMA["sections"]}
CATEGORIES = {category["name"]: category for category in NEUROBLASTOMA["staging"]}


def text_of(where):
    """The text of a place on the page: a section kind with all its subsections,
    "kind/Subsection heading", "key facts", or "staging/Category name" (its definition and
    treatment options)."""
    if where == "key facts":
        return " ".join(NEUROBLASTOMA["key_facts"])
    kind, _, part = where.partition("/")
    if kind == "staging":
        category = CATEGORIES[part]
        return " ".join([category["definition"], *(o["text"] for o in category["options"])])
    section = SECTIONS[kind]
    if part:
        return next(sub["body"] for sub in section["subsections"] if sub["heading"] == part)
    return " ".join([section["body"], *(sub["body"] for sub in section["subsections"])])


FACTS = [
    # Overview (pages A and B)
    ("starts in neuroblasts", "overview", ["neuroblasts", ("immature", "not fully grown")]),
    ("most often in the adrenal glands on the kidneys", "overview",
     ["adrenal glands", "top of the kidneys"]),
    ("other places it starts", "overview", ["neck", "chest", "belly", "spine", "pelvis"]),
    ("other adrenal tumours differ but share symptoms", "overview",
     ["pheochromocytoma", "different", "signs are the same"]),
    ("blastoma explains the similar names", "overview",
     ["blastoma", ("not finished developing", "not yet fully developed"), "glioblastoma",
      "nephroblastoma", "wilms tumor"]),
    ("mostly aged 5 or younger", "overview", ["5 or younger"]),
    ("may be present at birth", "overview", ["present at birth"]),
    ("rarely seen before birth on ultrasound", "overview",
     [("rare", "rarely"), "ultrasound", "before the baby is born"]),
    ("about 600 US children a year", "overview", ["about 600", "united states", "each year"]),
    ("about 600 US children a year (key facts)", "key facts", ["600", "united states"]),
    ("most common tumour under 1", "overview", ["most common", "younger than 1"]),
    ("some forms go away without treatment", "overview", ["goes away on its own"]),
    # Symptoms
    ("localized disease often causes no symptoms", "symptoms",
     ["stayed in one place", "no signs"]),
    ("symptoms from pressure on organs or bone pain", "symptoms",
     ["presses on the organs", "spreads", "bones"]),
    ("sources sort symptoms differently", "symptoms", ["sort these signs in different ways"]),
    ("belly", "symptoms/Belly (abdomen)",
     ["belly pain", "lump", "does not hurt", "diarrhea", "constipation"]),
    ("chest and neck", "symptoms/Chest and neck",
     ["wheezing", "trouble breathing", "drooping eyelid", "pupils"]),
    ("near the spine", "symptoms/Near the spine",
     ["back pain", "trouble peeing", "bowel movement", "weakness in the legs"]),
    ("spread", "symptoms/If it has spread",
     ["bone pain", "limping", "dark circles", "bruises", "fever", "fussiness",
      "lumps under the skin", ("poor weight gain", "slow growth")]),
    ("most common: eyes, paralysis, fever/anaemia/blood pressure",
     "symptoms/Most common signs",
     ["bulge", "dark circles", "behind the eyes", "paralysis", "presses on the spinal cord",
      "fever", ("anemia", "anaemia"), "high blood pressure"]),
    ("less common: diarrhea, jerky movements, eye movements", "symptoms/Less common signs",
     ["severe diarrhea", "jerky muscle movements", "coordination", "eye movements",
      "cannot control"]),
    ("may also include", "symptoms/Signs that may also appear",
     ["firm lump in the belly", "trouble breathing", "weight loss", "fever", "bone pain",
      "trouble swallowing"]),
    # The other sections of page A
    ("see a doctor about any worrying change", "when_to_see_doctor",
     ["worries you", "acts", "looks"]),
    ("cause unclear; DNA changes", "causes",
     ["do not know", "dna", "making copies of itself", "does not die"]),
    ("risk factors", "risk_factors",
     ["young age", "turner syndrome", "costello syndrome", "familial neuroblastoma"]),
    ("no known prevention", "prevention", ["no known way to prevent"]),
    ("complications", "complications",
     ["lymph nodes", "bone marrow", "liver", "skin", "bones", "spinal cord compression",
      "paraneoplastic", "eye movements", "coordination", "swollen", "diarrhea"]),
    # Diagnosis (page B)
    ("catecholamines raised in 90-95%", "diagnosis/Blood and urine tests",
     ["catecholamines", "90 to 95 out of every 100"]),
    ("blood tests for liver, kidneys and salts; urinalysis", "diagnosis/Blood and urine tests",
     ["liver", "kidneys", ("salts", "electrolytes"), "urinalysis"]),
    ("two or more imaging tests", "diagnosis/Imaging tests",
     ["two or more", "x-ray", "ct scan", "mri", "ultrasound", "mibg scan"]),
    ("MIBG very sensitive for bone and soft tissue", "diagnosis/Imaging tests",
     ["very good at finding", "bone and soft tissue"]),
    ("PET in about 10% where MIBG is negative", "diagnosis/Imaging tests",
     ["pet scan", "1 in 10", "do not show up on an mibg scan"]),
    ("a biopsy confirms it", "diagnosis/Biopsies", ["biopsy confirms"]),
    ("catecholamines plus marrow cancer cells are enough", "diagnosis/Biopsies",
     ["high catecholamine levels", "cancer cells found in a sample of bone marrow",
      "also enough"]),
    ("marrow involved in about a quarter", "diagnosis/Biopsies", ["about a quarter"]),
    ("marrow biopsy and aspiration usually together", "diagnosis/Biopsies",
     ["aspiration", "biopsy", "usually done together"]),
    ("typical tissue is enough even with normal catecholamines", "diagnosis/Biopsies",
     ["typical features", "enough, even when catecholamine levels are normal"]),
    ("immunohistochemistry and electron microscopy", "diagnosis/Additional tissue tests",
     ["looks like other childhood cancers", "immunohistochemistry", "electron microscopy"]),
    # Staging (page B)
    ("localized resectable", "staging/Localized resectable",
     ["only where it started", "can remove all"]),
    ("localized unresectable", "staging/Localized unresectable",
     ["not spread beyond where it started", "cannot remove all"]),
    ("regional", "staging/Regional", ["nearby lymph nodes", "nearby organs", "not to distant"]),
    ("disseminated", "staging/Disseminated",
     ["distant lymph nodes", "bones", "bone marrow", "liver", "skin", "other organs"]),
    # The names families hear for it (INSS stage 4, INRG stage M), as 4S is named MS.
    ("disseminated, other names", "staging/Disseminated", ["stage 4", "stage M"]),
    ("stage 4S", "staging/Stage 4S (special)",
     ["only where it started", "liver", "skin", "small amount of bone marrow",
      "treated differently"]),
    ("recurrent", "staging/Recurrent", ["came back", "kept growing or spreading"]),
    # Treatment (page B)
    ("treatment depends on age, site, biology, stage, nodes", "treatment",
     ["age", "where the tumor is", "biology", "the stage", "lymph nodes",
      "more than one kind of treatment"]),
    ("surgery removes as much as possible, or only a biopsy", "treatment/Surgery",
     ["as much of the tumor", "only take a small sample", "biopsy"]),
    ("radiation usually external beam", "treatment/Radiation therapy",
     ["machine outside the body", "external beam"]),
    ("chemotherapy routes, systemic, adjuvant and neoadjuvant", "treatment/Chemotherapy",
     ["by mouth", "into a vein", "into a muscle", "systemic", "adjuvant chemotherapy",
      "after surgery", "neoadjuvant chemotherapy", "before surgery"]),
    ("autologous transplant for high-risk disease", "treatment/Bone marrow (stem cell) transplant",
     ["high-risk", "high doses of chemotherapy", "own stem cells", "given back",
      "autologous"]),
    ("MIBG therapy", "treatment/MIBG therapy",
     ["high-risk", "did not respond to chemotherapy", "came back", "radioactive iodine",
      "through an iv", "marrow suppression", "blood counts", "own stem cells",
      "more sensitive"]),
    ("IORT, and survival with high-dose therapy", "treatment/Intraoperative radiation therapy",
     ["single dose", "during surgery", "protecting healthy tissue", "survive",
      "hardest childhood cancers to treat"]),
    # Treatment by category (page B)
    ("localized resectable options", "staging/Localized resectable",
     ["surgery alone", "surgery, then chemotherapy", "surgery, then radiation therapy"]),
    ("localized unresectable options", "staging/Localized unresectable",
     ["first, surgery to remove as much", "then chemotherapy", "second surgery",
      "radiation therapy"]),
    ("disseminated options", "staging/Disseminated",
     ["several medicines", "with or without surgery", "radiation therapy",
      "peripheral stem cell transplant", "13-cis-retinoic acid", "clinical trial"]),
    ("stage 4S options", "staging/Stage 4S (special)",
     ["no treatment", "clinical trial may be offered"]),
    ("recurrent options", "staging/Recurrent",
     ["depends on where it came back", "how far", "treatment your child had before",
      "i-131 mibg", "phase 1", "nant", "phase 1 or phase 2", "children's oncology group"]),
]


def missing_words(where, words):
    text = text_of(where).casefold()
    missing = []
    for word in words:
        choices = word if isinstance(word, tuple) else (word,)
        if not any(choice.casefold() in text for choice in choices):
            missing.append(" or ".join(choices))
    return missing


@pytest.mark.parametrize(("fact", "where", "words"), FACTS, ids=[row[0] for row in FACTS])
def test_demo_carries_the_fact(fact, where, words):
    assert missing_words(where, words) == [], f"{fact}: missing in {where}"


def test_the_fact_table_catches_a_dropped_fact():
    assert missing_words("overview", ["pelvis"]) == []
    assert missing_words("overview", ["a fact nobody wrote"]) == ["a fact nobody wrote"]
    assert missing_words("overview", [("absent", "also absent")]) == ["absent or also absent"]


def items(where):
    return [line[2:] for line in text_of(where).splitlines() if line.startswith("- ")]


def test_most_common_symptoms_are_the_childrens_hospital_list_only():
    most_common = items("symptoms/Most common signs")
    assert len(most_common) == 3
    assert "eyes" in most_common[0]
    assert "paralysis" in most_common[1].casefold()
    assert "fever" in most_common[2].casefold()
    # The demo once listed a belly lump, tiredness and appetite loss as most common.
    for dropped in ["lump", "belly", "tired and low energy", "appetite"]:
        assert dropped not in " ".join(most_common).casefold()


def test_localized_unresectable_starts_with_surgery_then_chemotherapy():
    options = [option["text"].casefold()
               for option in CATEGORIES["Localized unresectable"]["options"]]
    assert options[0].startswith("first, surgery")
    assert "biopsy" not in options[0]
    assert "chemotherapy" not in options[0]
    assert options[1].startswith("then chemotherapy")
    assert "second surgery" in options[2]
    assert "radiation" in options[3]


def test_disseminated_list_agrees_with_the_treatment_text_on_immunotherapy():
    # The treatment section says children with high-risk disease usually get immunotherapy
    # with isotretinoin (the dinutuximab label among the references); the list for
    # disseminated disease, mostly high risk, must not leave it out.
    assert "usually get immunotherapy" in text_of("treatment")
    transplant = next(option["text"] for option in CATEGORIES["Disseminated"]["options"]
                      if "stem cell transplant" in option["text"])
    assert "isotretinoin" in transplant
    assert "immunotherapy" in transplant


def test_regional_splits_by_age_as_the_reference_does():
    groups = {}
    for option in CATEGORIES["Regional"]["options"]:
        groups.setdefault(option["age_group"], []).append(option["text"].casefold())
    assert groups["under_1"] == ["surgery", "chemotherapy"]
    assert "surgery alone" in groups["1_or_older"]
    assert "a clinical trial" in groups["1_or_older"]
    assert any("then surgery" in text and "radiation" in text for text in groups["1_or_older"])


def test_staging_categories_are_the_six_of_the_reference_in_order():
    assert list(CATEGORIES) == [
        "Localized resectable", "Localized unresectable", "Regional", "Disseminated",
        "Stage 4S (special)", "Recurrent",
    ]


def test_the_glossary_explains_the_sympathetic_nervous_system_as_the_overview_does():
    # A term's explanation shows inside the sentence it explains: the two must not differ.
    definition = next(text for term, _, text in GLOSSARY
                      if term == "Sympathetic nervous system")
    overview = text_of("overview")
    for word in ["heart rate", "blood pressure", "digestion"]:
        assert word in overview, word
        assert word in definition, word
    # It is one part of what controls them (the sympathetic nerves slow digestion, the
    # parasympathetic ones speed it up), not all of it.
    assert "helps control things" in overview
    assert "helping to control things" in definition


def test_the_glossary_keeps_early_phase_1_apart_from_phase_1():
    """An early phase 1 (phase 0) trial is not a dose-finding phase 1 trial: it gives tiny
    doses to learn how a medicine behaves, and is not meant to treat."""
    names = {term: others for term, others, _ in GLOSSARY}
    assert "early phase 1" not in names["Phase 1 trial"]
    assert set(names["Early phase 1 trial"]) == {"early phase 1", "phase 0"}
    definition = next(text for term, _, text in GLOSSARY if term == "Early phase 1 trial")
    assert "before phase 1" in definition
    assert "not meant to treat" in definition


def test_wilms_radiation_text_agrees_with_its_treatment_by_category():
    # The stages whose list gives radiation are the ones the treatment text names for it.
    wilms = next(c for c in OTHER_CONDITIONS if c["slug"] == "nephroblastoma")
    treatment = next(s["body"] for s in wilms["sections"] if s["kind"] == "treatment")
    radiation = next(line for line in treatment.splitlines() if "Radiation therapy" in line)
    given = {category["name"].removeprefix("Stage ") for category in wilms["staging"]
             if any("radiation" in o["text"].casefold() for o in category["options"])}
    named = re.search(r"\(stages? ([^)]*)\)", radiation)[1]
    assert given == {"III", "IV"}
    assert set(named.replace(" and ", ", ").split(", ")) == given


@pytest.mark.django_db
def test_demo_pictures_are_described_as_the_drawings_they_are():
    from care_sites.models import CareSite

    call_command("load_demo", verbosity=0)
    pictured = [*Story.objects.exclude(image=""), *CareSite.objects.exclude(image="")]
    assert pictured
    # portal.demo_images draws them; a description of a photograph would mislead a reader
    # who cannot see the picture.
    assert all(item.image_alt.startswith("A simple drawing") for item in pictured), [
        item.image_alt for item in pictured]


@pytest.mark.django_db
def test_load_demo_stores_the_checked_text_unchanged():
    call_command("load_demo", verbosity=0)
    condition = Condition.objects.get(slug="neuroblastoma")
    stored = {section.kind: section for section in condition.sections.all()}
    for kind, data in SECTIONS.items():
        assert stored[kind].body == data["body"]
        assert [(sub.heading, sub.body) for sub in stored[kind].subsections.all()] == [
            (sub["heading"], sub["body"]) for sub in data["subsections"]
        ]
    for category in condition.staging_categories.all():
        data = CATEGORIES[category.name]
        assert category.definition == data["definition"]
        assert [(o.text, o.age_group) for o in category.options.all()] == [
            (o["text"], o["age_group"]) for o in data["options"]
        ]
    assert list(condition.key_facts.values_list("text", flat=True)) == NEUROBLASTOMA["key_facts"]
