from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "portal/home.html"


@require_GET
def robots_txt(request):
    body = render_to_string("robots.txt", {"site_url": settings.SITE_URL})
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok"})
