from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site

from accounts import mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, its e-mail queued instead of sent during the request."""

    def send_mail(self, template_prefix, email, context):
        # Every allauth mail (verification, password reset, notices) comes
        # through here. Rendered now, while the request is there to build its
        # links; sent by a task (accounts/mail.py), so an SMTP outage never
        # turns into a 500 after the account or the reset key is stored.
        ctx = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
            **context,
        }
        mail.queue(self.render_mail(template_prefix, email, ctx))
