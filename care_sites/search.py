from care_sites.models import CareSite, Location, SupportService
from portal.search import Searchable

SEARCHES = [
    Searchable("Clinics and programs", CareSite.objects.published,
               ("name", "summary", "description", "locations__city", "conditions__name")),
    Searchable("Support services", SupportService.objects.published,
               ("name", "summary", "description", "languages__name", "conditions__name")),
    Searchable("Locations", Location.objects.published,
               ("name", "city", "street_address"), summary="city"),
]
