"""WSGI entry point (gunicorn opengps.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengps.settings")
application = get_wsgi_application()
