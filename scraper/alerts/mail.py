"""Sending to an e-mail receiver: stdlib smtplib, run in a worker thread with a timeout."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import anyio.to_thread

from model.errors import NotifyError
from scraper.alerts.dispatch import Notification
from scraper.alerts.messages import title
from scraper.alerts.model import Email
from scraper.alerts.payload import generator_url
from scraper.config import TLSConfig


def message(mail: Email, notification: Notification, external_url: str) -> EmailMessage:
    """A plain-text mail: one line per alert, its summary and a link back."""
    alerts = notification.alerts
    result = EmailMessage()
    result["Subject"] = title(alerts)
    result["From"], result["To"] = mail.sender, ", ".join(mail.to)
    lines = [
        f"[{alert.state}] {dict(alert.annotations).get('summary') or alert.rule}\n"
        f"  labels: {', '.join(f'{n}={v}' for n, v in alert.labels)}\n"
        f"  {generator_url(alert, external_url)}"
        for alert in alerts
    ]
    result.set_content("\n\n".join(lines) + "\n")
    return result


async def send(mail: Email, notification: Notification, external_url: str) -> None:
    letter = message(mail, notification, external_url)
    try:
        await anyio.to_thread.run_sync(_deliver, mail, letter)
    except (OSError, smtplib.SMTPException) as error:
        # The message names the server's answer, never the credentials that were sent.
        raise NotifyError(f"SMTP {mail.smarthost}: {type(error).__name__}: {error}") from None


def _deliver(mail: Email, letter: EmailMessage) -> None:
    host, _, port = mail.smarthost.rpartition(":")
    with smtplib.SMTP(host.strip("[]"), int(port), timeout=mail.timeout_s) as client:
        if mail.require_tls:
            client.starttls(context=_context(mail.tls))
        if mail.username:
            client.login(mail.username, mail.password)
        client.send_message(letter)


def _context(tls: TLSConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=tls.ca_file or None)
    if tls.cert_file:
        context.load_cert_chain(tls.cert_file, tls.key_file or None)
    if tls.insecure_skip_verify:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context
