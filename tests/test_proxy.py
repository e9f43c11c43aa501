"""nginx in front of gunicorn, as deploy/ ships them: slow clients cannot stall the site.

The module starts, once, what production runs (README: "Production"): gunicorn
with deploy/gunicorn.conf.py and two sync workers under production settings
(DEBUG off, HTTPS protections on, a throwaway SQLite file with the roadmap
loaded, static files collected), and nginx with deploy/nginx/roadmap.conf,
TLS included, on free loopback ports. Of that file only the listen ports, the
certificate directory (a self-signed certificate for its name), the log
directory and the upstream's port are rewritten.

Without nginx, the same slow clients take both workers and the site stops
answering (test_without_the_proxy_slow_clients_stall_gunicorn shows it), so the
test of the proxy fails if nginx stops buffering what it passes on.

nginx and openssl come from Debian's packages (apt-get install nginx; openssl
comes with ca-certificates). Without them the module is skipped with the
reason shown, except under CI=true, where .ci/run installs nginx and a missing
one fails the run. No root is needed: the ports are above 1024 and nginx's
pid, logs and temporary files live in the test's temporary folder.
"""

import http.client
import os
import pwd
import re
import secrets
import select
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tracker.management.commands.bench import free_port

pytestmark = pytest.mark.proxy

REPO = Path(settings.BASE_DIR)
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"
NGINX_CONF = REPO / "deploy" / "nginx" / "roadmap.conf"
# The site's name in deploy/nginx/roadmap.conf, kept as it is.
NAME = "roadmap.example.com"
HOST = "127.0.0.1"
WORKERS = 2
SLOW_CLIENTS = 20
SLOW_SECONDS = 15
BYTE_EVERY = 2.0
ANSWER_WITHIN = 1.0
# What the ordinary requests fetch while the slow clients hold on: the
# roadmap a visitor sees (from the database) and a static file (whitenoise).
PAGES = ("/", "/static/css/site.css")
STARTUP_SECONDS = 60

# What production runs before gunicorn starts (README: "Production"), in the
# served site's environment. The database's three commands run in one process,
# saving two start-ups.
PREPARE_DATABASE = (
    "import django; django.setup(); from django.core.management import call_command as run; "
    "run('migrate', interactive=False, verbosity=0); run('createcachetable', verbosity=0); "
    "run('load_roadmap', verbosity=0)"
)


def tool(name):
    # nginx lives in /usr/sbin, which is not on every user's PATH.
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    found = shutil.which(name, path=path)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {name} is not installed: the proxy test cannot run.")
        pytest.skip(f"{name} is not installed: apt-get install {name}")
    return found


@dataclass
class Site:
    tls: ssl.SSLContext
    gunicorn_port: int
    gunicorn_log: Path
    https_port: int = 0
    http_port: int = 0

    def gunicorn_requests(self):
        """The request lines gunicorn logged ("GET / HTTP/1.0"), one per request it served."""
        log = self.gunicorn_log.read_text(encoding="utf-8", errors="replace")
        return re.findall(r'^\S+ \[[^]]+\] "([^"]*)"', log, flags=re.M)

    def reached_gunicorn(self, probe, wait=0.0):
        """Whether gunicorn logged a request whose query has probe=<probe>."""
        return bool(self.served(lambda line: f"probe={probe}" in line, 1, wait))

    def served(self, matches, count, wait, since=0):
        """The request lines since the `since`th that `matches`, once there
        are `count` of them or `wait` seconds have passed: gunicorn logs a
        request after sending its answer, which nginx may have passed on first."""
        deadline = time.monotonic() + wait
        while True:
            found = [line for line in self.gunicorn_requests()[since:] if matches(line)]
            if len(found) >= count or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)


# Starting what production runs


def production_env(folder):
    # On a SQLite file of its own whatever the suite runs on: the test
    # database is inside a transaction gunicorn could not see.
    inherited = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": NAME,
        "BEHIND_PROXY": "true",
        # check --deploy wants an SMTP server; nothing here sends mail.
        "EMAIL_HOST": "localhost",
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(WORKERS),
    }


@contextmanager
def preparing_database(env):
    """The database is migrated and loaded while the caller goes on (no request
    reaches it before this returns); fails with its output if that failed."""
    process = subprocess.Popen(  # noqa: S603 (this project's own commands)
        [sys.executable, "-c", PREPARE_DATABASE],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    finally:
        if process.poll() is None:
            stop(process)


def collect_static(env):
    result = subprocess.run(  # noqa: S603 (this project's own command)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def self_signed_certificate(openssl, folder):
    """The files certbot would leave, for the site's name: (directory, certificate)."""
    folder.mkdir()
    result = subprocess.run(  # noqa: S603 (a fixed command line)
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}"]
        + ["-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return folder, folder / "fullchain.pem"


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def gunicorn(env, folder):
    """gunicorn with the repository's config; only the bound port differs."""
    port, log_path = free_port(), folder / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [sys.executable, "-m", "gunicorn", f"--config={GUNICORN_CONF}"]
            + [f"--bind={HOST}:{port}"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")
            # Any answer will do (plain HTTP gets the HTTPS redirect).
            with suppress(OSError, http.client.HTTPException):
                direct(port, "/", timeout=2)
                break
            time.sleep(0.2)
        yield port, log_path
    finally:
        stop(server)


def loopback_config(*, http_port, https_port, upstream_port, tls_dir, log_dir):
    """deploy/nginx/roadmap.conf as it is, but for loopback and this test's folders."""
    config = NGINX_CONF.read_text(encoding="utf-8")
    rewrites = [
        (r"^\s*listen \[::\]:.*\n", ""),
        (r"^(\s*)listen 80\b", rf"\1listen {HOST}:{http_port}"),
        (r"^(\s*)listen 443\b", rf"\1listen {HOST}:{https_port}"),
        (r"/etc/letsencrypt/live/roadmap\.example\.com/", f"{tls_dir}/"),
        (r"/var/log/nginx/", f"{log_dir}/"),
        (r"\bserver 127\.0\.0\.1:8000;", f"server {HOST}:{upstream_port};"),
    ]
    for pattern, replacement in rewrites:
        config, count = re.subn(pattern, lambda m, r=replacement: m.expand(r), config, flags=re.M)
        assert count, f"{NGINX_CONF.name} no longer matches {pattern!r}: update this test"
    return config


@contextmanager
def nginx(binary, folder, *, upstream_port, tls_dir):
    """nginx on free loopback ports with the site's config, inside a main
    config like Debian's nginx.conf (which sets gzip on, as here)."""
    folder.mkdir()
    for name in ("logs", "temp"):
        (folder / name).mkdir()
    http_port, https_port = free_port(), free_port()
    site_conf = folder / "roadmap.conf"
    site_conf.write_text(
        loopback_config(
            http_port=http_port,
            https_port=https_port,
            upstream_port=upstream_port,
            tls_dir=tls_dir,
            log_dir=folder / "logs",
        ),
        encoding="utf-8",
    )
    temp = folder / "temp"
    # As root (CI), the workers would run as nobody, who cannot write here.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    main_conf = folder / "nginx.conf"
    main_conf.write_text(
        f"""
        {user}
        daemon off;
        worker_processes 1;
        pid {folder}/nginx.pid;
        events {{ worker_connections 512; }}
        http {{
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            sendfile on;
            gzip on;
            access_log {folder}/logs/access.log;
            client_body_temp_path {temp}/body;
            proxy_temp_path {temp}/proxy;
            fastcgi_temp_path {temp}/fastcgi;
            uwsgi_temp_path {temp}/uwsgi;
            scgi_temp_path {temp}/scgi;
            include {site_conf};
        }}
        """,
        encoding="utf-8",
    )
    error_log = folder / "logs" / "error.log"
    command = [binary, "-p", str(folder), "-c", str(main_conf), "-e", str(error_log)]
    checked = subprocess.run(command + ["-t"], capture_output=True, text=True, timeout=30)  # noqa: S603
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, error_log.read_text(errors="replace")
            assert time.monotonic() < deadline, error_log.read_text(errors="replace")
            with suppress(OSError):
                socket.create_connection((HOST, https_port), timeout=1).close()
                break
            time.sleep(0.1)
        yield http_port, https_port
    finally:
        stop(server)


@pytest.fixture(scope="module")
def binaries():
    return tool("nginx"), tool("openssl")


@pytest.fixture(scope="module")
def certificate(binaries, tmp_path_factory):
    tls_dir, cert = self_signed_certificate(binaries[1], tmp_path_factory.mktemp("tls") / "live")
    context = ssl.create_default_context(cafile=str(cert))
    return tls_dir, context


@pytest.fixture(scope="module")
def site(binaries, certificate, tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    env = production_env(folder)
    tls_dir, context = certificate
    with ExitStack() as stack:
        with preparing_database(env):
            # Before gunicorn: whitenoise lists the static files as a worker starts.
            collect_static(env)
            gunicorn_port, gunicorn_log = stack.enter_context(gunicorn(env, folder))
        site = Site(context, gunicorn_port, gunicorn_log)
        with nginx(binaries[0], folder / "nginx", upstream_port=gunicorn_port, tls_dir=tls_dir) as (
            site.http_port,
            site.https_port,
        ):
            warm_up(site)
            yield site


def warm_up(site):
    """Until both workers have served the pages: the first request in each
    process reads the roadmap's tree and renders it, which is not what is timed."""
    for _ in range(40):
        for path in PAGES:
            status, _, _, _ = fetch(site, path)
            assert status == 200, (path, status)
        served_by = re.findall(r"pid=<?(\d+)", site.gunicorn_log.read_text(errors="replace"))
        if len(set(served_by)) >= WORKERS:
            return
    pytest.fail(f"Not every worker answered: {site.gunicorn_log.read_text(errors='replace')}")


# Talking to it


def tls_socket(site, timeout):
    raw = socket.create_connection((HOST, site.https_port), timeout=timeout)
    return site.tls.wrap_socket(raw, server_hostname=NAME)


def fetch(site, path, *, method="GET", body=None, headers=None, timeout=10):
    """One request through nginx over a new TLS connection, as a browser's
    first: (status, headers, body, seconds from connecting to the last byte)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(NAME, site.https_port, timeout=timeout)
    connection.sock = tls_socket(site, timeout)
    try:
        connection.request(method, path, body, {"Accept-Encoding": "gzip", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return response.status, response.headers, data, time.monotonic() - started


def direct(port, path, *, timeout):
    """One request straight to gunicorn, past nginx: its status."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": NAME})
        return connection.getresponse().status
    finally:
        connection.close()


def import_url(probe):
    """The progress import, the site's one upload, tagged to be found in gunicorn's log."""
    return f"{reverse('tracker:import_progress')}?probe={probe}"


def upload_head(probe, *headers):
    """The request header of a POST to the progress import."""
    lines = [f"POST {import_url(probe)} HTTP/1.1", f"Host: {NAME}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def status_code(sock, timeout):
    """The status of what the server answers on a raw socket, or "" if it closed."""
    sock.settimeout(timeout)
    answer = b""
    with suppress(ConnectionError, ssl.SSLError):
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("latin-1")[9:12]


@dataclass
class SlowClient:
    """Sends `opening` at once, then one byte of `trickle` every BYTE_EVERY
    seconds, and reconnects whenever the server closes on it, as an attacker
    holding connections open would."""

    connect: object
    opening: bytes
    trickle: bytes
    sock: object = None
    position: int = 0
    connections: int = 0
    closed_by_server: int = 0
    bytes_sent: int = 0
    answers: list = field(default_factory=list)

    def step(self):
        if self.sock is not None and self.server_closed():
            self.closed_by_server += 1
            self.close()
        try:
            if self.sock is None:
                self.sock = self.connect()
                self.connections += 1
                self.position = 0
                self.sock.sendall(self.opening)
                self.bytes_sent += len(self.opening)
            byte = self.trickle[self.position % len(self.trickle)]
            self.sock.sendall(bytes([byte]))
            self.position += 1
            self.bytes_sent += 1
        except OSError:  # ssl.SSLError is one too: the server closed first
            self.closed_by_server += 1
            self.close()

    def server_closed(self):
        """Whether the server answered or hung up (reading only what is waiting)."""
        if not (
            getattr(self.sock, "pending", lambda: 0)() or select.select([self.sock], [], [], 0)[0]
        ):
            return False
        self.sock.settimeout(0.05)
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            return False  # a TLS record with no data in it (a session ticket)
        except OSError:
            return True
        finally:
            self.sock.settimeout(5)
        if data:
            self.answers.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
        return True

    def close(self):
        if self.sock is not None:
            with suppress(OSError):
                self.sock.close()
            self.sock = None


def slow_clients(connect, count):
    """Half trickle a request header from its first byte (slowloris), half
    send a whole header and trickle the body it announces (a slow upload)."""
    header = (
        f"GET /?probe=slow HTTP/1.1\r\nHost: {NAME}\r\nUser-Agent: slow\r\n"
        + "".join(f"X-Slow-{n}: {'a' * 40}\r\n" for n in range(20))
    ).encode()
    # With an Origin and a CSRF cookie that pass Django's first checks, so that
    # Django would wait for the body if it got the request before the body.
    upload = upload_head(
        "slow",
        f"Origin: https://{NAME}",
        f"Cookie: {settings.CSRF_COOKIE_NAME}={'a' * 32}",
        "Content-Type: application/x-www-form-urlencoded",
        "Content-Length: 100000",
    )
    return [
        SlowClient(connect, b"", header) if n % 2 == 0 else SlowClient(connect, upload, b"a=b&")
        for n in range(count)
    ]


@contextmanager
def trickling(clients):
    """The clients send in a thread of their own, staggered over BYTE_EVERY."""
    stop_event = threading.Event()
    errors = []

    def run():
        due = [time.monotonic() + n * BYTE_EVERY / len(clients) for n in range(len(clients))]
        try:
            while not stop_event.is_set():
                n = min(range(len(clients)), key=due.__getitem__)
                if stop_event.wait(max(0.0, due[n] - time.monotonic())):
                    break
                clients[n].step()
                due[n] += BYTE_EVERY
        except Exception as error:  # reported by the test
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield errors
    finally:
        stop_event.set()
        thread.join(timeout=10)
        for client in clients:
            client.close()


# The tests


def test_it_answers_others_within_a_second_while_slow_clients_hold_on(site):
    clients = slow_clients(lambda: tls_socket(site, timeout=5), SLOW_CLIENTS)
    before = len(site.gunicorn_requests())
    timings = []
    with trickling(clients) as errors:
        # Let every slow client connect and start sending before measuring.
        time.sleep(BYTE_EVERY)
        deadline = time.monotonic() + SLOW_SECONDS - BYTE_EVERY
        while time.monotonic() < deadline:
            for path in PAGES:
                status, _, _, seconds = fetch(site, path, timeout=5)
                timings.append((path, status, round(seconds, 3)))
            time.sleep(0.25)
    assert not errors

    assert len(timings) >= 20
    assert all(status == 200 for _, status, _ in timings), timings
    slowest = max(seconds for _, _, seconds in timings)
    assert slowest < ANSWER_WITHIN, timings

    headers, uploads = clients[0::2], clients[1::2]
    # The uploads were held for the whole time, never answered nor cut off:
    # nginx keeps reading a body that keeps coming, however slowly…
    assert all(c.connections == 1 and not c.closed_by_server for c in uploads), uploads
    assert all(c.bytes_sent > len(c.opening) + 5 for c in uploads), uploads
    # …while a request header must be whole within client_header_timeout.
    assert all(c.closed_by_server for c in headers), headers
    # And not one of them reached gunicorn, which served every page asked for.
    assert not site.reached_gunicorn("slow")
    pages = site.served(lambda line: line.split()[1] in PAGES, len(timings), 2, since=before)
    assert len(pages) == len(timings)


@pytest.mark.parametrize("size", [2 * 1024 * 1024, 200 * 1024 * 1024])
def test_it_refuses_a_body_over_1_mb_before_reading_it(site, size):
    sock = tls_socket(site, timeout=5)
    try:
        # The header alone: nginx answers from its Content-Length.
        sock.sendall(
            upload_head(
                f"big-{size}",
                "Content-Type: multipart/form-data; boundary=x",
                f"Content-Length: {size}",
            )
        )
        started = time.monotonic()
        assert status_code(sock, timeout=5) == "413"
        assert time.monotonic() - started < ANSWER_WITHIN
    finally:
        sock.close()
    assert not site.reached_gunicorn(f"big-{size}")


def test_it_refuses_a_chunked_body_once_it_passes_1_mb(site):
    sock = tls_socket(site, timeout=5)
    try:
        sock.sendall(
            upload_head("chunked", "Content-Type: text/markdown", "Transfer-Encoding: chunked")
        )
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
        with suppress(OSError):
            for _ in range(32):  # 2 MB, unless nginx stops reading first
                sock.sendall(chunk)
        assert status_code(sock, timeout=5) == "413"
    finally:
        sock.close()
    assert not site.reached_gunicorn("chunked")


def test_it_passes_a_body_under_the_cap_to_django(site):
    body = b"a=" + b"x" * (900 * 1024)
    status, _, _, _ = fetch(
        site,
        import_url("under"),
        method="POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    # Django's answer (no CSRF token), not nginx's.
    assert status == 403
    assert site.reached_gunicorn("under", wait=2)


def test_the_413_page_says_what_the_limit_is(site):
    status, headers, body, _ = fetch(
        site,
        import_url("page"),
        method="POST",
        body=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "text/markdown"},
    )
    assert status == 413
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "larger than the site accepts (1 MB)" in body.decode()


def test_the_site_is_served_over_https_behind_the_proxy(site):
    status, headers, _, _ = fetch(site, "/")
    assert status == 200
    # Django saw HTTPS (gunicorn trusts nginx's X-Forwarded-Proto): no
    # redirect, and HSTS, which Django sends only over HTTPS.
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["Content-Encoding"] == "gzip"


def test_plain_http_is_redirected_to_https(site):
    connection = http.client.HTTPConnection(HOST, site.http_port, timeout=5)
    try:
        connection.request("GET", "/phases/x/?a=1", headers={"Host": NAME})
        response = connection.getresponse()
    finally:
        connection.close()
    assert response.status == 301
    assert response.headers["Location"] == f"https://{NAME}/phases/x/?a=1"


def test_it_drops_requests_for_other_names(site):
    connection = http.client.HTTPConnection(HOST, site.http_port, timeout=5)
    with pytest.raises(http.client.RemoteDisconnected):
        connection.request("GET", "/?probe=other-name", headers={"Host": "evil.example"})
        connection.getresponse()
    connection.close()
    raw = socket.create_connection((HOST, site.https_port), timeout=5)
    with pytest.raises(ssl.SSLError):
        site.tls.wrap_socket(raw, server_hostname="evil.example")
    raw.close()
    assert not site.reached_gunicorn("other-name")


def test_it_answers_503_with_retry_after_while_gunicorn_is_down(binaries, certificate, tmp_path):
    tls_dir, context = certificate
    nobody = free_port()  # nothing listens there
    with nginx(binaries[0], tmp_path / "nginx", upstream_port=nobody, tls_dir=tls_dir) as ports:
        down = Site(context, nobody, gunicorn_log=None, https_port=ports[1])
        status, headers, body, _ = fetch(down, "/")
    assert status == 503
    assert headers["Retry-After"] == "10"
    assert "briefly unavailable" in body.decode()


def test_the_import_form_states_the_proxy_cap(client, learner):
    client.force_login(learner)
    page = client.get(reverse("tracker:import_progress")).content.decode()
    cap = re.search(r"client_max_body_size (\d+)m;", NGINX_CONF.read_text(encoding="utf-8"))
    assert f"{cap[1]} MB" in page


def test_without_the_proxy_slow_clients_stall_gunicorn(site):
    """What the proxy is for: the same slow clients sent straight to gunicorn
    take every sync worker, and nothing else is answered until they let go."""
    clients = slow_clients(
        lambda: socket.create_connection((HOST, site.gunicorn_port), 5), SLOW_CLIENTS
    )
    with trickling(clients):
        time.sleep(BYTE_EVERY / 2)  # half of them are connected: more than the workers
        with pytest.raises(TimeoutError):
            direct(site.gunicorn_port, "/", timeout=ANSWER_WITHIN)
    # Once they hang up, the workers are free again.
    assert direct(site.gunicorn_port, "/", timeout=5) == 301
