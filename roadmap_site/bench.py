"""The benchmark's baseline: the cheapest answer the site can give.

`manage.py bench` divides each page's requests per second by this view's,
measured in the same run, so its targets are ratios that hold on any machine.
The view passes through the whole middleware stack like every page, but reads
no session and no database. It is routed only when BENCH_BARE_VIEW is on,
which nothing but the benchmark sets.
"""

from django.http import HttpResponse
from django.urls import path


def bare(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare")]
