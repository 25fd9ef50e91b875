"""Demo locations, care sites and support services (load_demo). Addresses and phone numbers
are examples: 555-01xx numbers and streets that are not real addresses."""

import datetime

import reversion
from django.utils import timezone

from care_sites.models import CareSite, Language, Location, SupportService
from conditions.models import Condition
from portal.demo_images import demo_image

PUBLISHED_AT = timezone.make_aware(datetime.datetime(2025, 1, 6, 8, 0))
DEMO_NOTE = "Example address and hours for this demo site."
# As the contact page says: a family reading "Closed now" at night must not think no one
# answers.
MAIN_PHONE_NOTE = (" Our number, {phone}, is answered at any hour: if you are worried about "
                   "your child while we are closed, call it and ask for the oncologist on call. "
                   "In an emergency, call 911.")
# The other campuses point to it, so that no "Closed now" leaves a family without a number.
OTHER_PHONE_NOTE = (" While we are closed, call our main number, {phone}, at any hour and ask "
                    "for the oncologist on call. In an emergency, call 911.")
WEEKDAYS = range(5)

LOCATIONS = [
    {
        "slug": "san-francisco-campus", "name": "San Francisco campus",
        "street_address": "100 Example Way (demo address)", "city": "San Francisco",
        "postal_code": "94158", "phone": "(415) 555-0110", "is_main": True,
        "latitude": "37.767900", "longitude": "-122.390300",
        "hours": [(day, "08:00", "17:30") for day in WEEKDAYS] + [(5, "09:00", "13:00")],
        "parking": "The visitor garage under the main building has elevators to every floor. "
                   "Families of children in treatment can ask at the front desk for a "
                   "parking pass.",
        "transit": "The T Third Street light rail stops one block away. Several bus lines "
                   "stop on the corner.",
    },
    {
        "slug": "oakland-campus", "name": "Oakland campus",
        "street_address": "200 Sample Avenue (demo address)", "city": "Oakland",
        "postal_code": "94609", "phone": "(510) 555-0120",
        "latitude": "37.837000", "longitude": "-122.266000",
        "hours": [(day, "07:30", "18:00") for day in WEEKDAYS],
        "parking": "Free parking for patients and one family member in the lot beside the "
                   "outpatient building.",
        "transit": "A 10-minute walk from the MacArthur BART station, or take the hospital "
                   "shuttle from the station entrance.",
    },
    {
        "slug": "walnut-creek-campus", "name": "Walnut Creek outpatient center",
        "street_address": "300 Placeholder Boulevard (demo address)", "city": "Walnut Creek",
        "postal_code": "94598", "phone": "(925) 555-0130",
        "latitude": "37.910000", "longitude": "-122.065000",
        "hours": [(day, "08:30", "17:00") for day in WEEKDAYS],
        "parking": "Free surface parking in front of the building, with accessible spaces "
                   "next to the entrance.",
        "transit": "County Connection buses stop at the center. The Walnut Creek BART station "
                   "is a short ride away.",
    },
]

CLOSURES = [(datetime.date(2026, 11, 26), "Thanksgiving"), (datetime.date(2026, 12, 25),
            "Christmas Day"), (datetime.date(2027, 1, 1), "New Year's Day")]

CARE_SITES = [
    {
        "slug": "blood-and-marrow-transplant-clinic", "name": "Blood & Marrow Transplant Clinic",
        "kind": "clinic", "order": 1, "locations": ["san-francisco-campus", "oakland-campus"],
        "summary": "Stem cell transplants for children whose cancer needs high-dose treatment.",
        "description": "Some children with high-risk neuroblastoma need very strong "
                       "chemotherapy, followed by a transplant of their own stem cells to "
                       "help the body rebuild blood and immune cells.\n\nOur transplant team "
                       "prepares your family before the transplant, cares for your child in "
                       "a protected unit, and follows them closely for months afterwards.",
        "phone": "(415) 555-0141", "colours": ("#f6c445", "#0b5394"),
    },
    {
        "slug": "brain-tumor-program", "name": "Brain Tumor Program", "kind": "program",
        "order": 2, "locations": ["san-francisco-campus", "oakland-campus"],
        "summary": "Care for tumors of the brain and spinal cord, including tumors that press "
                   "on the spine.",
        "description": "Neurosurgeons, oncologists, radiation doctors and therapists plan "
                       "care together at a weekly tumor board.\n\nWhen a tumor such as "
                       "neuroblastoma presses on the spinal cord, this team helps decide "
                       "quickly how to protect your child's nerves.",
        "phone": "(415) 555-0146", "colours": ("#ffffff", "#4a3b8f"),
    },
    {
        "slug": "infusion-center", "name": "Infusion Center", "kind": "center", "order": 3,
        "locations": ["san-francisco-campus", "oakland-campus", "walnut-creek-campus"],
        "summary": "A calm place for chemotherapy, transfusions and other treatments given "
                   "through a vein.",
        "description": "Nurses trained in children's cancer care give treatments in private "
                       "or shared bays, with games, movies and a child life specialist "
                       "nearby.\n\nMany children can have treatment close to home at our "
                       "Walnut Creek center.",
        "phone": "(510) 555-0143", "colours": ("#0b5394", "#cde4f7"),
    },
    {
        "slug": "oncology-clinic", "name": "Oncology Clinic", "kind": "clinic", "order": 4,
        "locations": ["san-francisco-campus", "oakland-campus", "walnut-creek-campus"],
        "summary": "Diagnosis, treatment planning and check-ups for children with cancer.",
        "description": "Your child's oncologist and nurse practitioner see you here for "
                       "visits before, during and after treatment.\n\nThe clinic also runs "
                       "a same-week appointment line for newly diagnosed children.",
        "phone": "(510) 555-0144", "colours": ("#2e7d32", "#e7f4e8"),
    },
    {
        "slug": "survivorship-program", "name": "Survivorship Program", "kind": "program",
        "order": 5, "locations": ["oakland-campus", "san-francisco-campus"],
        "summary": "Long-term follow-up for children and young adults after cancer treatment.",
        "description": "Treatment can affect hearing, growth, the heart and learning years "
                       "later. Our survivorship team checks for these effects and helps "
                       "with school, work and healthy habits.\n\nChildren usually join the "
                       "program two years after treatment ends.",
        "phone": "(510) 555-0145", "colours": ("#8a5a00", "#fff3cd"),
    },
]

LANGUAGES = ["Cantonese", "Mandarin", "Spanish", "Russian", "American Sign Language",
             "Vietnamese", "Arabic", "Tagalog"]

SUPPORT_SERVICES = [
    {
        "slug": "summer-camp", "name": "Summer camp for kids with cancer", "category": "camps",
        "order": 1,
        "summary": "A free week of camp for children with cancer, their brothers and sisters, "
                   "and their parents.",
        "description": "Campers swim, hike, make art and sleep under the stars, with doctors "
                       "and nurses on site so children in treatment can join too.\n\nFamily "
                       "weekends let parents meet others who understand.",
        "how_to_access": "Ask your child's nurse for an application in the spring.",
    },
    {
        "slug": "child-life-specialists", "name": "Child life specialists",
        "category": "family_life", "order": 2,
        "summary": "Experts who use play and plain words to help children understand and cope "
                   "with hospital care.",
        "description": "A child life specialist can prepare your child for a scan or a "
                       "needle poke, stay with them during procedures, and support brothers "
                       "and sisters too.",
        "how_to_access": "Ask any member of the care team, or call the child life office.",
        "phone": "(415) 555-0150",
    },
    {
        "slug": "family-amenities", "name": "Family amenities", "category": "family_life",
        "order": 3,
        "summary": "Family lounges, kitchens, showers, laundry and private nursing rooms.",
        "description": "Each floor has a family lounge with a kitchen. Showers and laundry "
                       "machines are open to parents day and night, and private rooms are "
                       "set aside for nursing and pumping.",
        "how_to_access": "Ask the front desk of your unit for a family badge.",
    },
    {
        "slug": "international-patient-services", "name": "International patient services",
        "category": "international", "order": 4,
        "summary": "Help for families who travel from other countries for their child's care.",
        "description": "Our coordinators help with medical records, cost estimates, visa "
                       "letters, housing near the hospital and interpreters.",
        "how_to_access": "Email or call the international office before you travel.",
        "email": "international@example.org", "phone": "(415) 555-0160",
    },
    {
        "slug": "interpreter-services", "name": "Interpreter services",
        "category": "language_access", "order": 5, "languages": LANGUAGES,
        "summary": "Free medical interpreters in many languages, in person, by video or by "
                   "phone, at every visit.",
        "description": "Trained medical interpreters help you talk with your child's care "
                       "team in your own language. Sign language interpreters and TDD/TTY "
                       "phone access are available for families who are deaf or hard of "
                       "hearing.\n\nYou never have to ask a family member, or your child, to "
                       "interpret for you.",
        "how_to_access": "Tell the front desk which language you prefer when you book a "
                         "visit, or call the interpreter office. If you use a TDD/TTY, call "
                         "the same number through the free 711 relay service.",
        "phone": "(415) 555-0170",
    },
    {
        "slug": "social-services", "name": "Social services", "category": "practical",
        "order": 6,
        "summary": "Social workers who help with insurance, housing, transportation, work and "
                   "money worries.",
        "description": "A social worker meets every family after a cancer diagnosis. They can "
                       "help you apply for benefits and other financial help, such as funds "
                       "for travel and bills, find lodging near the hospital, arrange rides, "
                       "and talk through the stress of treatment.",
        "how_to_access": "Your social worker will contact you; you can also ask your nurse.",
        "phone": "(510) 555-0180",
    },
    {
        "slug": "spiritual-care", "name": "Spiritual care", "category": "emotional_spiritual",
        "order": 7,
        "summary": "Chaplains of many faiths, and of none, for prayer, rituals and a listening "
                   "ear.",
        "description": "Chaplains visit families of every faith and background. They can "
                       "arrange religious rituals, connect you with your own faith leader, or "
                       "simply sit with you.\n\nA quiet room for prayer and reflection is "
                       "open at each campus.",
        "how_to_access": "Ask your nurse to page a chaplain at any time, day or night.",
    },
]


DEMO_CONDITIONS = ["neuroblastoma", "nephroblastoma", "retinoblastoma"]
GENERAL_SITES = {"oncology-clinic", "infusion-center", "survivorship-program"}

def load():
    # The first revision of each item: what "restore" can go back to after later edits.
    with reversion.create_revision():
        reversion.set_comment("Demo content loaded.")
        return load_items()


def load_items():
    locations = {}
    main_phone = next(data["phone"] for data in LOCATIONS if data.get("is_main"))
    for data in LOCATIONS:
        data = dict(data)
        hours = data.pop("hours")
        note = MAIN_PHONE_NOTE if data.get("is_main") else OTHER_PHONE_NOTE
        location, _ = Location.objects.update_or_create(
            slug=data.pop("slug"),
            defaults={**data, "hours_note": DEMO_NOTE + " Closed on major holidays."
                      + note.format(phone=main_phone),
                      "status": Location.Status.PUBLISHED, "publish_at": PUBLISHED_AT},
        )
        location.opening_hours.all().delete()
        for weekday, opens, closes in hours:
            location.opening_hours.create(weekday=weekday,
                                          opens=datetime.time.fromisoformat(opens),
                                          closes=datetime.time.fromisoformat(closes))
        location.closures.all().delete()
        for date, note in CLOSURES:
            location.closures.create(date=date, note=note)
        locations[location.slug] = location

    neuroblastoma = Condition.objects.filter(slug="neuroblastoma").first()
    # Every demo condition is a childhood cancer: the general clinics and every family
    # service are for all of them; the specialised programs are linked to neuroblastoma.
    conditions = list(Condition.objects.filter(slug__in=DEMO_CONDITIONS))
    sites = {}
    for data in CARE_SITES:
        data = dict(data)
        site_locations = data.pop("locations")
        colours = data.pop("colours")
        site, _ = CareSite.objects.update_or_create(
            slug=data.pop("slug"),
            defaults={**data, "status": CareSite.Status.PUBLISHED, "publish_at": PUBLISHED_AT,
                      "image_alt": f"A simple drawing of a building, for the {data['name']}."},
        )
        if not site.image:
            site.image.save(f"{site.slug}.png", demo_image(*colours, shape="building"))
        site.locations.set([locations[slug] for slug in site_locations])
        if neuroblastoma:
            site.conditions.add(neuroblastoma)
        if site.slug in GENERAL_SITES:
            site.conditions.add(*conditions)
        sites[site.slug] = site

    for order, name in enumerate(LANGUAGES):
        Language.objects.update_or_create(name=name, defaults={"order": order})
    for data in SUPPORT_SERVICES:
        data = dict(data)
        languages = data.pop("languages", [])
        service, _ = SupportService.objects.update_or_create(
            slug=data.pop("slug"),
            defaults={**data, "status": SupportService.Status.PUBLISHED,
                      "publish_at": PUBLISHED_AT},
        )
        service.languages.set(Language.objects.filter(name__in=languages))
        service.care_sites.set(sites.values())
        service.conditions.add(*conditions)
    return (f"{len(locations)} locations, {len(sites)} care sites, "
            f"{len(SUPPORT_SERVICES)} support services")
