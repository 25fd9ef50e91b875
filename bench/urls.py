"""The portal's URLs plus the ceiling: the cheapest page Django can serve through the same
middleware, against which every page is measured."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def ceiling(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *portal_urlpatterns]
