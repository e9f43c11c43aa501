"""gunicorn in production, behind nginx (deploy/nginx/roadmap.conf).

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py

Settings on the command line win over this file; tests/test_proxy.py runs it
with only --bind changed (and WEB_CONCURRENCY=2).
"""

import os
from pathlib import Path

wsgi_app = "roadmap_site.wsgi"
# The repository's root, so that the command above works from any directory.
chdir = str(Path(__file__).resolve().parent.parent)
proc_name = "roadmap"

# Loopback only: nginx, on the same machine, is the one client. Anything else
# would reach the sync workers without nginx's buffering in front of them.
bind = "127.0.0.1:8000"

# Sync workers: one request at a time per process, the simplest model and the
# one the benchmark measures (manage.py bench). They are safe only because
# nginx reads every request whole (header and body) before passing it on and
# takes every answer in one go, so a worker only ever talks to nginx over
# loopback and is busy for as long as Django works, never for as long as a
# client is slow: without nginx, ten clients trickling a byte every 2 s held
# all four workers (issue 10). The pages spend their time on CPU (rendering,
# compressing), not waiting on the network, so threads (gthread) would add
# little but a second kind of concurrency to reason about.
worker_class = "sync"
# The usual 2 x cores + 1: enough that a worker waiting on the database or the
# cache leaves the cores busy. Cores are those this process may run on (a
# container's CPU set), not the machine's. WEB_CONCURRENCY, gunicorn's own
# variable, overrides the count.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (_cores or 1) + 1)

# A worker silent this long is killed and replaced: the bound on one request.
# The slowest page takes well under a second; 30 s is headroom, not a target.
# nginx waits a little longer (proxy_read_timeout 35s), so a stuck request is
# ended here, where gunicorn logs which one it was, rather than by nginx.
timeout = 30
# On a restart (SIGHUP, a deploy) or stop (SIGTERM), the time a worker gets to
# finish the request in hand before it is killed.
graceful_timeout = 20
# Sync workers close the connection after every answer and ignore this: nginx
# speaks HTTP/1.0 to them (its default, no upstream keepalive). It is stated so
# that a move to gthread starts from gunicorn's sane 2 s, not from nothing.
keepalive = 2

# The request limits match nginx's, which sees every request first: a request
# line or header field of up to 8 KB (large_client_header_buffers 4 8k), so
# gunicorn never refuses what nginx accepted. 8190 is gunicorn's maximum.
limit_request_line = 8190
limit_request_field_size = 8190
# A browser sends about 15 header fields and nginx adds three; more than 60 is
# not a browser.
limit_request_fields = 60

# Who may say a request came over HTTPS: nginx on this machine, which sets
# X-Forwarded-Proto on every request, overwriting whatever a client sent. The
# other two headers gunicorn trusts by default (X-Forwarded-Ssl,
# X-Forwarded-Protocol) are passed through by nginx as the client sent them, so
# they are not trusted. Put the proxy's address here if it ever moves to
# another machine (and bind to an address it can reach).
forwarded_allow_ips = "127.0.0.1,::1"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs on stdout and stderr, for the journal (or whatever runs gunicorn).
# REMOTE_ADDR is always nginx; the client's address is the X-Forwarded-For
# nginx sets, and X-Request-ID is the id nginx's own log line carries ($request_id),
# so one request can be found in both. %(M)s is the time in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms id=%({x-request-id}i)s pid=%(p)s'
)

# The heartbeat each worker touches for the timeout above: in memory, so a
# slow disk never makes a healthy worker look silent. gunicorn makes it with
# mkstemp, private to its user.
_memory = "/dev/shm"  # noqa: S108
if os.path.isdir(_memory):
    worker_tmp_dir = _memory

# gunicorn's control socket (gunicornc) would default to one path per user, shared
# by every gunicorn that user runs; signals do the same (HUP reloads, TTIN and
# TTOU add and remove a worker).
control_socket_disable = True
