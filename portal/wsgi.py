import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Import every view now, not at the first request, then leave everything loaded so far
# (Django, the apps, their models and views) out of the garbage collector's work: it lives
# as long as the process. A full collection then scans only what requests left behind
# (about 5 ms, where it took about 55 ms and held up every request queued behind it). With
# gunicorn --preload the workers also keep sharing these pages of memory with the master.
get_resolver().url_patterns  # noqa: B018
gc.freeze()
