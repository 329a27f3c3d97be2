"""E-mail to the people an event concerns, with absolute links into the hub.

One message per address, so moderators, editors and readers never see each other's
addresses. Mail goes out after what it reports is saved; a mail server that fails is logged
and never undoes it.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def admin_url(name, *args):
    return absolute_url(reverse(name, args=args))


def public_url(name, *args):
    """A public address in the site's main language, whatever language the admin speaks."""
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(reverse(name, args=args))


def addresses(recipients):
    """The distinct addresses of users (their e-mail, if any) and of plain strings, sorted."""
    found = set()
    for recipient in recipients:
        address = recipient if isinstance(recipient, str) else getattr(recipient, "email", "")
        if address and address.strip():
            found.add(address.strip())
    return sorted(found)


def send(recipients, subject, body, reply_to=None):
    """Send the message to each address on its own; return how many were sent."""
    to = addresses(recipients)
    if not to:
        return 0
    messages = [
        EmailMessage(
            subject=str(subject),
            body=str(body),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            reply_to=reply_to,
        )
        for address in to
    ]
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                try:
                    sent += connection.send_messages([message]) or 0
                except Exception:
                    logger.exception(
                        "Could not send %r to one of %d recipients", str(subject), len(to)
                    )
    except Exception:
        logger.exception("Could not reach the mail server for %r", str(subject))
    return sent
