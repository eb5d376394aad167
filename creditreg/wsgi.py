"""WSGI entry point (gunicorn creditreg.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditreg.settings.base")

application = get_wsgi_application()
