import os

from django.core.wsgi import get_wsgi_application

from roadmap_site.guard import RequestGuard

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")
application = RequestGuard(get_wsgi_application())
