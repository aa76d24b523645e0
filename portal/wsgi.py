import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# isort: split
# Django's settings module must be named before anything of Django's is set up.
from portal.core.handlers import portal_wsgi_application  # noqa: E402

application = portal_wsgi_application()
