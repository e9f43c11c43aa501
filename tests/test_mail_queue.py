"""Account e-mail goes out through a task queue: a mail outage never fails a request.

The queued path runs for real: the request stores the task in the test
database, `manage.py db_worker` in a subprocess (which sees that database only
once the test's writes are committed, hence the transactional tests) sends it
to an SMTP sink on loopback (aiosmtpd), and a send to a closed port is queued
again for later.
"""

import email
import json
import logging
import re
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from datetime import timedelta
from email.policy import default as default_policy
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import mail
from tests.helpers import sign_up

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DELIVER = "accounts.mail.deliver"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+)")


# SMTP on loopback: a port where nothing listens, and a sink that keeps what it gets


@contextmanager
def closed_port():
    """A loopback port bound but not listening: a connection to it is refused,
    and no other process can start listening on it meanwhile."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def free_port():
    with closed_port() as port:
        return port


class Sink:
    def __init__(self, refuse_recipients=False):
        self.messages = []
        self.refuse_recipients = refuse_recipients

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def wait_for(self, count, seconds=30):
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.messages


@contextmanager
def smtp_sink(port, **options):
    sink = Sink(**options)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def smtp_mailer(port):
    """What MAILERS becomes with EMAIL_HOST=127.0.0.1 and EMAIL_USE_TLS=false."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


# The worker: manage.py db_worker against the test database


def database_url():
    """The test database as a DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_command(*options):
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        *options,
    ]


def worker_env(smtp_port):
    """The production shape: the database backend, SMTP without TLS on loopback."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "5",
    }


def run_worker_once(smtp_port):
    """Run every task that is due, then stop (db_worker --batch)."""
    result = subprocess.run(
        worker_command("--batch", "--interval", "0"),
        cwd=settings.BASE_DIR,
        env=worker_env(smtp_port),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@contextmanager
def running_worker(smtp_port):
    worker = subprocess.Popen(
        worker_command("--interval", "0.2"),
        cwd=settings.BASE_DIR,
        env=worker_env(smtp_port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        worker.terminate()  # SIGTERM: db_worker stops between tasks
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)  # shown by pytest when the test fails


def queued_mail():
    """The deliveries waiting in the queue, oldest first."""
    return list(
        DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.READY).order_by(
            "enqueued_at"
        )
    )


def request_password_reset(client, address):
    return client.post(reverse("account_reset_password"), {"email": address})


# A mail outage never fails the request


@pytest.fixture
def smtp_down(settings):
    with closed_port() as port:
        settings.MAILERS = smtp_mailer(port)
        yield port


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE


def test_sign_up_with_smtp_down_redirects_and_queues_the_verification_mail(
    client, db, smtp_down, database_queue
):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(username="alan")
    assert not EmailAddress.objects.get(user=user).verified
    [task] = queued_mail()
    message = task.args_kwargs["args"][0]
    assert message["to"] == ["alan@example.com"]
    assert CONFIRM_LINK.search(message["body"])
    assert task.args_kwargs["kwargs"] == {}  # the first attempt
    assert django_mail.outbox == []  # nothing was sent from the request


@pytest.mark.parametrize("address", ["ada@example.com", "nobody@example.com"])
def test_password_reset_with_smtp_down_answers_normally_for_any_address(
    client, learner, smtp_down, database_queue, address
):
    response = request_password_reset(client, address)

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    # A reset link for an account, a "no account here" notice otherwise.
    [task] = queued_mail()
    assert task.args_kwargs["args"][0]["to"] == [address]


def test_with_the_immediate_backend_a_failed_send_is_logged_not_raised(
    client, db, smtp_down, settings, caplog
):
    settings.TASKS = IMMEDIATE

    with caplog.at_level(logging.INFO):
        signed_up = sign_up(client)
        reset = request_password_reset(client, "alan@example.com")

    assert signed_up.status_code == 302
    assert reset.status_code == 302
    assert get_user_model().objects.filter(username="alan").exists()
    failures = [r for r in caplog.records if r.name == "accounts.mail"]
    assert [r.levelname for r in failures] == ["ERROR", "ERROR"]
    assert "to alan@example.com not sent" in failures[0].getMessage()
    assert "ImmediateBackend tasks backend cannot retry later" in failures[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # one line each, no traceback
    assert not DBTaskResult.objects.exists()


def test_with_the_immediate_backend_mail_is_sent_during_the_request(client, db, settings):
    settings.TASKS = IMMEDIATE
    port = free_port()
    with smtp_sink(port) as sink:
        settings.MAILERS = smtp_mailer(port)
        sign_up(client)

        [message] = sink.messages
    assert message["To"] == "alan@example.com"
    assert CONFIRM_LINK.search(text_of(message))


# The queued path, for real: the worker sends to an SMTP sink


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_verification_mail_to_the_smtp_server(client, database_queue):
    port = free_port()
    with smtp_sink(port) as sink, running_worker(port):
        assert sign_up(client).status_code == 302

        [message] = sink.wait_for(1)

    assert message["To"] == "alan@example.com"
    assert message["Subject"].startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    link = CONFIRM_LINK.search(text_of(message)).group(1)
    # The link works: allauth 65 confirms on a POST to the page it shows.
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="alan@example.com").verified
    [task] = DBTaskResult.objects.filter(task_path=DELIVER)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_send_to_a_server_that_is_down_is_retried_later_and_then_delivered(
    client, database_queue
):
    with closed_port() as port:
        sign_up(client)
        [first] = queued_mail()

        output = run_worker_once(port)

    # The failed attempt is done with; the next one waits its turn.
    first.refresh_from_db()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == "retrying"
    assert f"not sent (attempt 1 of {mail.MAX_ATTEMPTS}), retrying at" in output
    [retry] = queued_mail()
    assert retry.args_kwargs == {"args": first.args_kwargs["args"], "kwargs": {"attempt": 2}}
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=30) < wait <= mail.retry_wait(1)

    # Nothing is due yet: a worker now leaves it alone.
    with smtp_sink(port) as sink:
        run_worker_once(port)
        assert sink.messages == []
        # Its time comes, and the server is up again.
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker_once(port)

    [message] = sink.messages
    assert message["To"] == "alan@example.com"
    assert CONFIRM_LINK.search(text_of(message))
    retry.refresh_from_db()
    assert (retry.status, retry.return_value) == (TaskResultStatus.SUCCESSFUL, "sent")
    assert queued_mail() == []


# Retries: bounded, with backoff, and none for a mail the server refuses for good


def test_the_wait_doubles_from_a_minute_up_to_an_hour():
    waits = [mail.retry_wait(attempt) for attempt in range(1, mail.MAX_ATTEMPTS)]

    assert [wait.total_seconds() / 60 for wait in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    # About four hours from the first attempt to the last.
    assert timedelta(hours=3) < sum(waits, timedelta()) < timedelta(hours=5)


def a_message():
    message = EmailMultiAlternatives(
        "[Roadmap tracker] Hello", "Plain text", "site@example.com", ["alan@example.com"]
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    return message


def test_the_last_attempt_gives_up_with_an_error(db, smtp_down, database_queue, caplog):
    result = mail.deliver.call(mail.as_data(a_message()), attempt=mail.MAX_ATTEMPTS)

    assert result == "given up"
    assert queued_mail() == []
    [record] = [r for r in caplog.records if r.name == "accounts.mail"]
    assert record.levelname == "ERROR"
    assert f"not sent after {mail.MAX_ATTEMPTS} attempts, given up" in record.getMessage()


def test_a_recipient_the_server_refuses_is_not_retried(db, settings, database_queue, caplog):
    port = free_port()
    settings.MAILERS = smtp_mailer(port)
    with smtp_sink(port, refuse_recipients=True):
        result = mail.deliver.call(mail.as_data(a_message()))

    assert result == "refused"
    assert queued_mail() == []
    [record] = [r for r in caplog.records if r.name == "accounts.mail"]
    assert "refused by the mail server, not retried" in record.getMessage()


def test_a_message_travels_as_plain_data_and_comes_back_whole(db, settings):
    settings.TASKS = IMMEDIATE
    message = a_message()
    message.extra_headers["Reply-To"] = "help@example.com"

    data = json.loads(json.dumps(mail.as_data(message)))
    mail.deliver.call(data)

    [sent] = django_mail.outbox
    assert (sent.subject, sent.body, sent.from_email, sent.to) == (
        message.subject,
        message.body,
        message.from_email,
        message.to,
    )
    assert sent.alternatives == message.alternatives
    assert sent.extra_headers == {"Reply-To": "help@example.com"}


# Which backend runs the tasks


def tasks_backend_under(**env):
    """The tasks backend the settings choose in a fresh process, or its last error."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.TASKS['default']['BACKEND'])",
        ],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = (result.stdout if result.returncode == 0 else result.stderr).strip().splitlines()
    return lines[-1] if lines else result.stderr


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 64, "EMAIL_HOST": "smtp.example.com"}


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.tasks.backends.immediate.ImmediateBackend"),
        (PRODUCTION, "django_tasks_db.DatabaseBackend"),
        ({"TASKS_BACKEND": "database"}, "django_tasks_db.DatabaseBackend"),
        (
            {**PRODUCTION, "TASKS_BACKEND": "immediate"},
            "django.tasks.backends.immediate.ImmediateBackend",
        ),
    ],
)
def test_production_queues_mail_in_the_database_and_development_sends_at_once(env, backend):
    assert tasks_backend_under(**env) == backend


def test_an_unknown_tasks_backend_stops_start_up_with_a_clear_message():
    assert tasks_backend_under(TASKS_BACKEND="redis") == (
        "django.core.exceptions.ImproperlyConfigured: "
        "TASKS_BACKEND must be immediate or database, not 'redis'."
    )
