"""Account e-mail goes out through a task, so that a mail outage never fails a request.

The request renders the message (accounts/adapter.py) and queues it as plain
data; `deliver` sends it. Under the database backend (django-tasks-db, whose
`manage.py db_worker` runs the tasks) a send that fails is queued again for
later, each wait twice the one before and at most an hour, until MAX_ATTEMPTS
(about four hours in all). Under the immediate backend (the embedded default)
the task runs during the request: a failure is logged and the request goes on,
as there is no later to retry at.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def retry_wait(attempt):
    """How long to wait after failed attempt number `attempt` (1, 2, …)."""
    return min(FIRST_WAIT * 2 ** (attempt - 1), LONGEST_WAIT)


def as_data(message):
    """An EmailMessage as the JSON a task's arguments are stored as."""
    if message.attachments:
        raise ValueError("Queued mail cannot carry attachments.")
    return {
        "subject": message.subject,
        "body": message.body,
        "content_subtype": message.content_subtype,
        "alternatives": [
            [alternative.content, alternative.mimetype]
            for alternative in getattr(message, "alternatives", [])
        ],
        "from_email": message.from_email,
        "to": message.to,
        "cc": message.cc,
        "bcc": message.bcc,
        "reply_to": message.reply_to,
        "headers": message.extra_headers,
    }


def from_data(data):
    message = EmailMultiAlternatives(
        data["subject"],
        data["body"],
        data["from_email"],
        data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data["content_subtype"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def queue(message):
    """Send `message` from a task rather than from the request."""
    return deliver.enqueue(as_data(message))


@task
def deliver(message, attempt=1):
    try:
        from_data(message).send()
    except OSError as error:  # smtplib's errors, a refused or timed-out connection
        return not_sent(message, attempt, error)
    return "sent"


def is_refused_for_good(error):
    """The server answered 5xx to every recipient or to the message itself:
    sending the same mail again would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def not_sent(message, attempt, error):
    """Log one line for a failed send and queue the next attempt if there is one."""
    mail = f"Mail {message['subject']!r} to {', '.join(message['to'])}"
    backend = deliver.get_backend()
    if is_refused_for_good(error):
        logger.error("%s refused by the mail server, not retried: %s", mail, error)
        return "refused"
    if not backend.supports_defer:
        logger.error(
            "%s not sent, and the %s tasks backend cannot retry later: %s",
            mail,
            type(backend).__name__,
            error,
        )
        return "not sent"
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s not sent after %d attempts, given up: %s", mail, attempt, error)
        return "given up"
    retry_at = timezone.now() + retry_wait(attempt)
    deliver.using(run_after=retry_at).enqueue(message, attempt=attempt + 1)
    logger.warning(
        "%s not sent (attempt %d of %d), retrying at %s: %s",
        mail,
        attempt,
        MAX_ATTEMPTS,
        retry_at.isoformat(timespec="seconds"),
        error,
    )
    return "retrying"
