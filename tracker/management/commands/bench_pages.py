"""A rerunnable benchmark of the pages learners hit most.

    manage.py bench_pages --runs 30

Renders each page through the test client for a throwaway learner with no
progress and with every item ticked, and prints the median and 90th
percentile time and the number of SQL queries. Everything it writes is rolled
back. Timings depend on the machine; compare runs on the same one. Tests
assert query budgets, never timings.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from tracker.models import Progress, Roadmap, Subtopic


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the roadmap page, the home page and a tick; print medians and query counts."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, runs, **options):
        if not Roadmap.objects.exists():
            raise CommandError("No roadmap loaded: run `manage.py loaddata ai_engineer_roadmap`.")
        setup_test_environment()
        try:
            with transaction.atomic():
                self.bench(runs)
                raise Rollback
        except Rollback:
            pass

    def bench(self, runs):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("bench-learner")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        subtopic = Subtopic.objects.order_by("pk").first()
        tick = reverse("tracker:mark_subtopic", args=[subtopic.pk])
        cases = [
            ("roadmap, visitor", Client(HTTP_HOST="localhost"), "get", reverse("tracker:roadmap")),
            ("roadmap, no progress", client, "get", reverse("tracker:roadmap")),
            ("home, no progress", client, "get", reverse("tracker:home")),
        ]
        self.run_cases(cases, runs)
        Progress.objects.bulk_create(
            Progress(user=user, subtopic=s, status="done") for s in Subtopic.objects.all()
        )
        cases = [
            ("roadmap, all 210 ticked", client, "get", reverse("tracker:roadmap")),
            ("home, all 210 ticked", client, "get", reverse("tracker:home")),
            ("tick (htmx)", client, "post", tick),
        ]
        self.run_cases(cases, runs)

    def run_cases(self, cases, runs):
        for label, client, method, url in cases:
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    if method == "get":
                        response = client.get(url)
                    else:
                        response = client.post(
                            url, {"status": "done"}, headers={"HX-Request": "true"}
                        )
                    timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{label}: HTTP {response.status_code}")
            timings.sort()
            p90 = timings[int(len(timings) * 0.9) - 1] if len(timings) >= 10 else timings[-1]
            self.stdout.write(
                f"{label:28} median {statistics.median(timings):7.1f} ms"
                f"   p90 {p90:7.1f} ms   {len(queries)} queries"
            )
