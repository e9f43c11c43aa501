from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from roadmap_site import bench

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the badge SVG).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("tracker.urls")),
]

# Error pages that never read the request's body (roadmap_site/errors.py).
handler400 = "roadmap_site.errors.bad_request"
handler403 = "roadmap_site.errors.permission_denied"
handler404 = "roadmap_site.errors.page_not_found"
handler500 = "roadmap_site.errors.server_error"

if settings.BENCH_BARE_VIEW:
    # The baseline `manage.py bench` measures every page against; never on in a deployment.
    urlpatterns += bench.urlpatterns
