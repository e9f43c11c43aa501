"""Load-test the site as it runs in production, against its own baseline.

    manage.py bench [--rounds 3] [--seconds 5] [--connections 4] [--output FILE]

`make bench` runs this (and installs wrk when missing). In order:

1. The database: PostgreSQL as DATABASE_URL names it, else a throwaway SQLite
   file in a temporary folder (the configured db.sqlite3 is never touched).
   It is migrated, gets the cache table and the shipped roadmap (load_roadmap,
   which loads only into a database without one).
2. The cast: learners at 0%, 50% and 100%, and one at 50% who ticks, under a
   unique prefix; the 50% learner's page is public. Each gets a session.
3. Queries per request: every endpoint once through Django's test client,
   not under load.
4. The server: collectstatic into the temporary folder, then gunicorn with
   2 sync workers on a free loopback port under production settings.
5. The load: wrk runs the bare view (roadmap_site/bench.py), then an endpoint,
   then the bare view again, and so on, every round; an endpoint's ratio is
   its requests/s over the mean of the bare runs either side, so the targets
   are shares of the same machine's baseline at the same moment.
6. The report: a table, and a JSON file of every run. On PostgreSQL the
   learners and their sessions are deleted at the end, whatever happened.

Timings are noisy on a shared machine: compare ratios, and rerun with more
rounds before believing a small difference.
"""

import gzip
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Profile
from tracker.content.queries import default_roadmap
from tracker.models import Progress, Subtopic
from tracker.progress.status import Status

HOST = "127.0.0.1"
WORKERS = 2
BARE_PATH = "/bench/bare/"
# What a browser sends, so that compression, once the site offers it, is measured too.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
# Requests per endpoint before the first measured run: loads templates, opens
# database connections in both workers, and checks every answer is a 200.
WARM_UP_REQUESTS = 6
STARTUP_SECONDS = 60
SETTLE_SECONDS = 10
# A learner's completions, one every 20 hours back from now: the 210 items
# span about six months, so the activity calendar and streaks have content.
COMPLETION_SPACING = timedelta(hours=20)

# The share of the bare view's requests/s each kind of page must reach (issue 9).
TARGETS = {
    "roadmap_learner": 0.15,
    "roadmap_visitor": 0.50,
    "public_page": 0.15,
    "home": 0.20,
    "phase": 0.20,
    "topic": 0.20,
    "tick": 0.25,
    "badge": 0.50,
}

# A learner's roadmap page at most this much HTML and this much as sent compressed (issue 9).
WEIGHT_TARGETS = {"roadmap_learner_50": (120_000, 15_000)}

# The settings gunicorn runs under; the rest of the environment passes through
# (REDIS_URL, DB_CONN_MAX_AGE, TIME_ZONE…).
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": HOST,
    # check --deploy wants an SMTP server; nothing sends mail in the benchmark.
    "EMAIL_HOST": "localhost",
    # wrk speaks plain HTTP on loopback: no TLS proxy, so no HTTPS redirect and
    # no Secure flag on cookies (HSTS is only sent over HTTPS anyway).
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    # Static files as production serves them: collected, hashed, compressed.
    "STATIC_MANIFEST": "true",
    "WHITENOISE_USE_FINDERS": "false",
    "BENCH_BARE_VIEW": "true",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    target: float | None = None  # None: the bare view, the baseline itself
    who: str = "visitor"  # whose session it sends: a learner's name in the cast, or none
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    bodies: tuple = ()  # posted in turn, one per request
    queries: list = field(default_factory=list)
    body_bytes: int = 0
    html_bytes: int = 0  # the body as the client reads it, decompressed
    content_encoding: str = ""
    runs: list = field(default_factory=list)

    def request_headers(self, index=0):
        headers = {"Host": HOST, "Accept-Encoding": ACCEPT_ENCODING, **self.headers}
        if self.bodies:
            headers["Content-Length"] = str(len(self.bodies[index % len(self.bodies)]))
        return headers


@dataclass
class Run:
    """One wrk run of one endpoint, from the numbers wrk's done() hook reports."""

    requests: int
    seconds: float
    bytes: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict
    ratio: float | None = None  # of the bare view's requests/s either side

    @property
    def requests_per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def as_json(self):
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.requests_per_second, 2),
            "bytes": self.bytes,
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "max_ms": round(self.max_ms, 2),
            "errors": self.errors,
            **({} if self.ratio is None else {"ratio": round(self.ratio, 4)}),
        }


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn under production settings and measure its main "
        "endpoints with wrk against a bare view; print a table and write a JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3, help="runs of each endpoint")
        parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
        parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
        parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
        parser.add_argument(
            "--only",
            default="",
            help="measure only these endpoints: comma-separated keys or their starts "
            "(roadmap, public_page, home, phase, topic, tick, badge); the bare view always runs",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="the JSON file of results (default: roadmap-bench-<time>.json in the temp dir)",
        )

    def handle(
        self, *args, rounds, seconds, connections, threads, output, only, verbosity, **options
    ):
        self.verbosity = verbosity
        self.only = tuple(key.strip() for key in only.split(",") if key.strip())
        if min(rounds, seconds, connections, threads) < 1:
            raise CommandError("--rounds, --seconds, --connections and --threads must be >= 1.")
        self.wrk = shutil.which("wrk")
        if self.wrk is None:
            raise CommandError("wrk is not installed: `apt-get install wrk` (make bench does).")
        self.load = {
            "tool": wrk_version(self.wrk),
            "threads": min(threads, connections),
            "connections": connections,
            "seconds": seconds,
            "rounds": rounds,
            "accept_encoding": ACCEPT_ENCODING,
        }
        output = output or Path(tempfile.gettempdir()) / time.strftime(
            "roadmap-bench-%Y%m%d-%H%M%S.json"
        )
        with tempfile.TemporaryDirectory(prefix="roadmap-bench-") as folder:
            results = self.bench(Path(folder))
        output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        self.report(results)
        self.stdout.write(f"Results written to {output}")

    def bench(self, folder):
        database_url, database = self.prepare_database(folder)
        secret_key = secrets.token_urlsafe(64)
        prefix = f"bench-{secrets.token_hex(4)}-"
        self.sessions = []
        try:
            # Sessions are signed: make them with the key gunicorn will check them with.
            with override_settings(
                SECRET_KEY=secret_key, ALLOWED_HOSTS=[HOST], SECURE_SSL_REDIRECT=False
            ):
                endpoints, clients = self.make_cast(prefix)
                if self.only:
                    endpoints = [
                        endpoint
                        for endpoint in endpoints
                        if endpoint.key == "bare" or endpoint.key.startswith(self.only)
                    ]
                self.count_queries(endpoints, clients)
            env = {
                **os.environ,
                **PRODUCTION,
                "SECRET_KEY": secret_key,
                "DATABASE_URL": database_url,
                "STATIC_ROOT": str(folder / "static"),
            }
            self.manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
            with self.gunicorn(env, folder) as port:
                bare, *measured = endpoints
                self.warm_up(port, endpoints)
                self.measure(port, bare, measured, folder)
        finally:
            if database["vendor"] == "sqlite":
                connections.close_all()  # the file goes with the temporary folder
            else:
                self.remove_cast(prefix)
        return self.results(database, bare, measured)

    # The database and the cast

    def prepare_database(self, folder):
        if connection.vendor == "sqlite":
            path = folder / "bench.sqlite3"
            # As Django's test runner does for its test database: point the
            # connection at another file before anything has opened it.
            connections.close_all()
            settings.DATABASES["default"]["NAME"] = str(path)
            connection.settings_dict["NAME"] = str(path)
            url = f"sqlite:///{path}"
            database = {"vendor": "sqlite", "name": "a throwaway file"}
        elif connection.vendor == "postgresql":
            url = os.environ["DATABASE_URL"]
            name = f"{connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}"
            database = {"vendor": "postgresql", "name": name}
            self.create_database_if_missing()
        else:
            raise CommandError(
                f"The benchmark runs on SQLite or PostgreSQL, not {connection.vendor}"
            )
        self.say(f"Preparing the database: {database['vendor']}, {database['name']}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_roadmap", verbosity=0, stdout=StringIO())
        return url, database

    def create_database_if_missing(self):
        """A fresh clone's `DATABASE_URL` may name a database not made yet: make it,
        from the server's maintenance database, as `createdb` would."""
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise
        name = connection.settings_dict["NAME"]
        self.say(f"Creating the database {name}")
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        connections.close_all()

    def make_cast(self, prefix):
        roadmap = default_roadmap()
        items = list(
            Subtopic.objects.filter(topic__section__phase__roadmap=roadmap)
            .select_related("topic__section__phase")
            .order_by(
                "topic__section__phase__order",
                "topic__section__order",
                "topic__order",
                "order",
                "id",
            )
        )
        half = len(items) // 2
        done = {"0": 0, "50": half, "100": len(items), "tick": half}
        clients = {"visitor": Client(HTTP_HOST=HOST)}
        for name, count in done.items():
            learner = self.make_learner(f"{prefix}{name}", items[:count])
            clients[name] = Client(HTTP_HOST=HOST)
            clients[name].force_login(learner)
            self.sessions.append(clients[name].cookies[settings.SESSION_COOKIE_NAME].value)
            if name == "50":
                Profile.objects.create(user=learner, is_public=True)
                public = learner.get_username()

        # The tick and the phase and topic pages sit where the 50% learners stopped.
        item = items[half]
        topic, section, phase = item.topic, item.topic.section, item.topic.section.phase
        roadmap_url = reverse("tracker:roadmap")
        public_url = reverse("accounts:public", args=[public])
        badge_url = reverse("accounts:badge", args=[public])
        phase_url = reverse("tracker:phase", args=[phase.slug])
        topic_url = reverse("tracker:topic", args=[phase.slug, section.slug, topic.slug])
        tick_url = reverse("tracker:mark_subtopic", args=[item.pk])
        csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        tick = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "HX-Target": f"subtopic-{item.pk}",
        }

        def page(key, label, path, who, **extra):
            kind = key if key in TARGETS else key.rpartition("_")[0]
            return Endpoint(key, label, path, TARGETS[kind], who=who, **extra)

        endpoints = [
            Endpoint("bare", "bare view (baseline)", BARE_PATH),
            page("roadmap_learner_0", "roadmap, learner 0%", roadmap_url, "0"),
            page("roadmap_learner_50", "roadmap, learner 50%", roadmap_url, "50"),
            page("roadmap_learner_100", "roadmap, learner 100%", roadmap_url, "100"),
            page("roadmap_visitor", "roadmap, visitor", roadmap_url, "visitor"),
            page("public_page", "public page (50%)", public_url, "visitor"),
            page("home", "home, learner 50%", reverse("tracker:home"), "50"),
            page("phase", "phase page, learner 50%", phase_url, "50"),
            page("topic", "topic page, learner 50%", topic_url, "50"),
            page(
                "tick",
                "tick (htmx POST)",
                tick_url,
                "tick",
                method="POST",
                headers=tick,
                # Explicit states in turn: each request really writes, and the
                # learner is back where they started after every pair.
                bodies=("status=done", "status=pending"),
            ),
            page("badge", "badge (SVG)", badge_url, "visitor"),
        ]
        for endpoint in endpoints:
            cookies = []
            if endpoint.who != "visitor":
                session = clients[endpoint.who].cookies[settings.SESSION_COOKIE_NAME].value
                cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
            if endpoint.method == "POST":
                cookies.append(f"{settings.CSRF_COOKIE_NAME}={csrf}")
            if cookies:
                endpoint.headers["Cookie"] = "; ".join(cookies)
        return endpoints, clients

    def make_learner(self, username, completed):
        learner = get_user_model().objects.create_user(username, email=f"{username}@example.com")
        now = timezone.now()
        Progress.objects.bulk_create(
            Progress(
                user=learner,
                subtopic=item,
                status=Status.DONE,
                completed_at=now - COMPLETION_SPACING * (len(completed) - index),
            )
            for index, item in enumerate(completed)
        )
        return learner

    def remove_cast(self, prefix):
        # Cascades to their progress, plans and profiles.
        get_user_model().objects.filter(username__startswith=prefix).delete()
        # Through the session store, whatever SESSION_ENGINE keeps them in.
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in self.sessions:
            store(key).delete()
        self.say(f"Removed the learners {prefix}* and their sessions.")

    def count_queries(self, endpoints, clients):
        """Each endpoint's SQL queries, through the test client and not under load.

        The first answer may fill caches (content types, templates): the count
        is taken from the ones after it. A tick is counted for each state it posts."""
        bare, *measured = endpoints
        # The bare view is routed only under BENCH_BARE_VIEW, which this process lacks.
        with override_settings(ROOT_URLCONF="roadmap_site.bench"):
            self.count_endpoint_queries(bare, clients)
        for endpoint in measured:
            self.count_endpoint_queries(endpoint, clients)

    def count_endpoint_queries(self, endpoint, clients):
        client = clients[endpoint.who]
        states = range(len(endpoint.bodies) or 1)
        for index in states:
            client_request(client, endpoint, index)
        for index in states:
            with CaptureQueriesContext(connection) as captured:
                response = client_request(client, endpoint, index)
            if response.status_code != 200:
                raise CommandError(
                    f"{endpoint.label}: the test client got HTTP {response.status_code} "
                    f"from {endpoint.path}."
                )
            endpoint.queries.append(len(captured))

    # The server and the load

    def manage(self, *args, env):
        result = subprocess.run(  # noqa: S603 (this project's manage.py)
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise CommandError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")

    @contextmanager
    def gunicorn(self, env, folder):
        port = free_port()
        log_path = self.server_log = folder / "gunicorn.log"
        self.say(f"Starting gunicorn with {WORKERS} sync workers on {HOST}:{port}")
        with open(log_path, "wb") as log:
            server = subprocess.Popen(  # noqa: S603 (a fixed command line)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "roadmap_site.wsgi",
                    f"--bind={HOST}:{port}",
                    f"--workers={WORKERS}",
                    "--worker-class=sync",
                    "--timeout=60",
                    "--graceful-timeout=5",
                    "--error-logfile=-",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until_serving(server, port, log_path)
                yield port
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(timeout=10)

    def warm_up(self, port, endpoints):
        for endpoint in endpoints:
            for index in range(WARM_UP_REQUESTS):
                status, headers, body = http_request(port, endpoint, index)
                if status != 200:
                    raise CommandError(
                        f"{endpoint.label}: gunicorn answered {endpoint.path} with HTTP "
                        f"{status}.\n{self.server_log.read_text(errors='replace')[-4000:]}"
                    )
            endpoint.body_bytes = len(body)
            endpoint.content_encoding = headers.get("Content-Encoding", "")
            plain = gzip.decompress(body) if endpoint.content_encoding == "gzip" else body
            endpoint.html_bytes = len(plain)

    def measure(self, port, bare, measured, folder):
        load = self.load
        total = load["rounds"] * (2 * len(measured) + 1) * load["seconds"]
        self.say(
            f"Measuring {len(measured)} endpoints against the bare view with {load['tool']}: "
            f"{plural(load['rounds'], 'round')} of {load['seconds']} s runs, "
            f"{total // 60} min {total % 60} s of load"
        )
        scripts = {
            endpoint.key: write_script(endpoint, folder / f"{endpoint.key}.lua")
            for endpoint in [bare, *measured]
        }
        for round_number in range(1, load["rounds"] + 1):
            before = self.wrk_run(port, bare, scripts)
            for endpoint in measured:
                run = self.wrk_run(port, endpoint, scripts)
                after = self.wrk_run(port, bare, scripts)
                baseline = (before.requests_per_second + after.requests_per_second) / 2
                run.ratio = run.requests_per_second / baseline
                self.say(
                    f"  round {round_number}: {endpoint.label:26} "
                    f"{run.requests_per_second:8.1f} req/s, {run.ratio:6.1%} of the bare view"
                )
                before = after

    def wrk_run(self, port, endpoint, scripts):
        load = self.load
        command = [
            self.wrk,
            f"--threads={load['threads']}",
            f"--connections={load['connections']}",
            f"--duration={load['seconds']}s",
            "--timeout=10s",
            f"--script={scripts[endpoint.key]}",
            f"http://{HOST}:{port}{endpoint.path}",
        ]
        try:
            result = subprocess.run(  # noqa: S603 (a fixed command line)
                command, capture_output=True, text=True, timeout=load["seconds"] + 60
            )
        except subprocess.TimeoutExpired:
            raise CommandError(f"{endpoint.label}: wrk did not finish in time.") from None
        found = [line for line in result.stdout.splitlines() if line.startswith(WRK_MARK)]
        if result.returncode or not found:
            raise CommandError(f"{endpoint.label}: wrk failed:\n{result.stdout}{result.stderr}")
        numbers = json.loads(found[-1].removeprefix(WRK_MARK))
        run = Run(
            requests=numbers["requests"],
            seconds=numbers["duration_us"] / 1e6,
            bytes=numbers["bytes"],
            p50_ms=numbers["p50_us"] / 1000,
            p99_ms=numbers["p99_us"] / 1000,
            max_ms=numbers["max_us"] / 1000,
            errors=numbers["errors"],
        )
        # wrk stops with up to one request per connection still queued at the
        # workers; let them drain so the next run starts on an idle server.
        time.sleep(min(SETTLE_SECONDS, -(-load["connections"] // WORKERS) * run.max_ms / 1000))
        if run.errors["status"]:
            raise CommandError(
                f"{endpoint.label}: {run.errors['status']} of {run.requests} answers under "
                "load were not 2xx or 3xx; a benchmark of error pages measures nothing."
            )
        if not run.requests:
            raise CommandError(f"{endpoint.label}: not one request completed in the run.")
        endpoint.runs.append(run)
        return run

    # Results

    def results(self, database, bare, measured):
        return {
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": database,
            "server": {
                "gunicorn_workers": WORKERS,
                "worker_class": "sync",
                "address": HOST,
                "settings": PRODUCTION,
                "redis": bool(os.environ.get("REDIS_URL")),
            },
            "load": self.load,
            "bare": summary(bare),
            "endpoints": [summary(endpoint) for endpoint in measured],
        }

    def report(self, results):
        load, server = results["load"], results["server"]
        cache = "Redis" if server["redis"] else "the database cache"
        self.stdout.write(
            f"\ngunicorn with {server['gunicorn_workers']} sync workers on {HOST}, production "
            "settings (DEBUG=false); plain HTTP on loopback, so SECURE_SSL_REDIRECT and the "
            "Secure cookie flags are off.\n"
            f"Database: {results['database']['vendor']} ({results['database']['name']}), "
            f"cache: {cache}.\n"
            f"Load: {load['tool']}, {plural(load['threads'], 'thread')}, "
            f"{plural(load['connections'], 'connection')}, {load['seconds']} s a run, "
            f"{plural(load['rounds'], 'round')}; each endpoint run between two runs of the bare "
            "view.\n"
        )
        header = (
            f"{'endpoint':26} {'req/s':>8} {'share of bare: median (min-max)':>32} "
            f"{'target':>7} {'met':>4} {'p50 ms':>8} {'p99 ms':>8} {'bytes/resp':>11} "
            f"{'queries':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        bare = results["bare"]
        self.stdout.write(
            f"{'bare view (baseline)':26} {bare['requests_per_second']:8.1f} {'':>32} {'':>7} "
            f"{'':>4} {bare['p50_ms']:8.1f} {bare['p99_ms']:8.1f} "
            f"{bare['bytes_per_request']:11,} {bare['queries']:7}"
        )
        for row in results["endpoints"]:
            ratio = row["ratio"]
            share = f"{ratio['median']:.1%} ({ratio['min']:.1%}-{ratio['max']:.1%})"
            target, met = f">={row['target']:.0%}", "yes" if row["target_met"] else "no"
            self.stdout.write(
                f"{row['label']:26} {row['requests_per_second']:8.1f} {share:>32} "
                f"{target:>7} {met:>4} "
                f"{row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['bytes_per_request']:11,} "
                f"{row['queries']:7}"
            )
        met = sum(row["target_met"] for row in results["endpoints"])
        self.stdout.write(
            f"\nTargets met: {met} of {len(results['endpoints'])}. req/s, p50 and p99 are "
            "medians over the rounds; bytes/resp is what wrk received per answer, headers "
            "included; queries are counted once through the test client (a tick: the most "
            "of its two states)."
        )
        self.stdout.write("\nPage weight: each page as read, and as sent compressed.")
        for row in results["endpoints"]:
            if row["method"] != "GET":
                continue
            line = f"  {row['label']:26} {row['html_bytes']:9,} B"
            if row["content_encoding"]:
                line += f", {row['body_bytes']:,} B {row['content_encoding']}"
            if "weight_targets" in row:
                targets = row["weight_targets"]
                met = "met" if row["weight_met"] else "not met"
                line += (
                    f"  (targets: at most {targets['html_bytes']:,} B and "
                    f"{targets['body_bytes']:,} B compressed: {met})"
                )
            self.stdout.write(line)
        for row in [bare, *results["endpoints"]]:
            if row["socket_errors"]:
                self.stdout.write(
                    f"Note: wrk counted {row['socket_errors']} socket errors or timeouts on "
                    f"{row['label']} (see the JSON file)."
                )

    def say(self, message):
        if self.verbosity:
            self.stdout.write(message)


# wrk reports through its done() hook, one line of JSON after this mark.
WRK_MARK = "BENCH-RESULT "
WRK_DONE = f"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{WRK_MARK}{{"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "p50_us": %.0f, '
    .. '"p99_us": %.0f, "max_us": %.0f, "errors": {{"connect": %.0f, "read": %.0f, '
    .. '"write": %.0f, "status": %.0f, "timeout": %.0f}}}}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def lua_string(text):
    """A Lua string literal; what the benchmark sends is printable ASCII."""
    if not (text.isascii() and text.isprintable()):
        raise CommandError(f"Not printable ASCII, cannot go in a wrk script: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_script(endpoint, path):
    """wrk's Lua script for an endpoint: its method, headers and bodies, and the report."""
    lines = [f"wrk.method = {lua_string(endpoint.method)}"]
    for name, value in endpoint.request_headers().items():
        if name not in ("Host", "Content-Length"):  # wrk writes these itself
            lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    if endpoint.bodies:
        bodies = ", ".join(lua_string(body) for body in endpoint.bodies)
        lines += [
            f"local bodies = {{{bodies}}}",
            "local sent = 0",
            "request = function()",
            "  sent = sent + 1",
            "  return wrk.format(nil, nil, nil, bodies[(sent - 1) % #bodies + 1])",
            "end",
        ]
    path.write_text("\n".join(lines) + WRK_DONE, encoding="ascii")
    return path


def wrk_version(wrk):
    # `wrk -v` prints "wrk 4.1.0 [epoll] Copyright…" and exits with 1.
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10)  # noqa: S603
    words = (result.stdout + result.stderr).split()
    return " ".join(words[:2]) if words[:1] == ["wrk"] else "wrk"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until_serving(server, port, log_path):
    """Return once gunicorn answers the bare view; fail if it exits or takes too long."""
    bare = Endpoint("bare", "bare view", BARE_PATH)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = log_path.read_text(encoding="utf-8", errors="replace")
            raise CommandError(f"gunicorn exited with status {server.returncode}:\n{log}")
        try:
            status, _, _ = http_request(port, bare)
        except OSError:
            status = None
        if status == 200:
            return
        time.sleep(0.2)
    raise CommandError(f"gunicorn did not answer {BARE_PATH} within {STARTUP_SECONDS} s.")


def http_request(port, endpoint, index=0):
    """One request as wrk sends it: (status, headers, body)."""
    body = endpoint.bodies[index % len(endpoint.bodies)] if endpoint.bodies else None
    server = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        server.request(endpoint.method, endpoint.path, body, endpoint.request_headers(index))
        response = server.getresponse()
        return response.status, response.headers, response.read()
    finally:
        server.close()


def client_request(client, endpoint, index=0):
    """The same request through Django's test client (its own cookies, no CSRF check)."""
    headers = {
        name: value
        for name, value in endpoint.request_headers(index).items()
        if name not in ("Host", "Cookie", "Content-Length", "Content-Type")
    }
    if endpoint.method == "POST":
        return client.post(
            endpoint.path,
            endpoint.bodies[index % len(endpoint.bodies)],
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return client.get(endpoint.path, headers=headers)


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def median_of(runs, name):
    return statistics.median(getattr(run, name) for run in runs)


def summary(endpoint):
    """An endpoint's figures over its rounds, and every run."""
    runs = endpoint.runs
    requests = sum(run.requests for run in runs)
    row = {
        "key": endpoint.key,
        "label": endpoint.label,
        "method": endpoint.method,
        "path": endpoint.path,
        "requests_per_second": round(median_of(runs, "requests_per_second"), 2),
        "p50_ms": round(median_of(runs, "p50_ms"), 2),
        "p99_ms": round(median_of(runs, "p99_ms"), 2),
        "bytes_per_request": round(sum(run.bytes for run in runs) / requests),
        "body_bytes": endpoint.body_bytes,
        "html_bytes": endpoint.html_bytes,
        "content_encoding": endpoint.content_encoding,
        "queries": max(endpoint.queries),
        "queries_each_state": endpoint.queries,
        "socket_errors": sum(
            count for run in runs for kind, count in run.errors.items() if kind != "status"
        ),
        "runs": [run.as_json() for run in runs],
    }
    if endpoint.key in WEIGHT_TARGETS:
        html, sent = WEIGHT_TARGETS[endpoint.key]
        row["weight_targets"] = {"html_bytes": html, "body_bytes": sent}
        row["weight_met"] = endpoint.html_bytes <= html and endpoint.body_bytes <= sent
    if endpoint.target is not None:
        ratios = [run.ratio for run in runs]
        row["ratio"] = {
            "median": round(statistics.median(ratios), 4),
            "min": round(min(ratios), 4),
            "max": round(max(ratios), 4),
        }
        row["target"] = endpoint.target
        row["target_met"] = statistics.median(ratios) >= endpoint.target
    return row
