"""How a message leaves the app: one small interface per channel, and the providers behind it.

A provider sends one message to one address and returns the provider's id for it. It raises
TemporaryFailure when trying again later may work (a timeout, a 5xx, a busy mail server) and
PermanentFailure when it will not (a refused number, a rejected address, wrong credentials)."""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from flask import Flask

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


@dataclass(frozen=True)
class Outgoing:
    to: str  # a phone number (E.164), an e-mail address, or for push her user id
    subject: str | None
    body: str
    link: str | None = None  # the page the message is about ("/p/17"): a push opens it
    lang: str | None = None  # her language (push tells her phone which, and its direction)


class Provider(Protocol):
    name: str

    def send(self, message: Outgoing) -> str: ...


class ConsoleProvider:
    """For development and the demo: the message goes to the log."""

    def __init__(self, channel: str) -> None:
        self.name = f"console-{channel}"
        self._n = 0

    def send(self, message: Outgoing) -> str:
        self._n += 1
        log.warning("outbox (%s) to %s: %s%s", self.name, message.to,
                    f"[{message.subject}] " if message.subject else "", message.body)
        return f"{self.name}-{self._n}"


class ElksSms:
    """46elks' HTTP API: POST /a1/sms with from, to and message as a form, HTTP basic auth; it
    answers JSON with the message's id (https://46elks.com/docs/send-sms)."""

    name = "46elks"

    def __init__(self, url: str, username: str, password: str, sender: str, timeout: float) -> None:
        self.url = url.rstrip("/") + "/a1/sms"
        self.auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.sender, self.timeout = sender, timeout

    def send(self, message: Outgoing) -> str:
        data = urllib.parse.urlencode({"from": self.sender, "to": message.to, "message": message.body}).encode()
        request = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Authorization": self.auth, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                answer = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            reason = f"46elks answered {e.code}: {e.read()[:200].decode('utf-8', 'replace')}"
            raise (TemporaryFailure if e.code >= 500 or e.code == 429 else PermanentFailure)(reason) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            raise TemporaryFailure(f"46elks could not be reached: {e}") from None
        except ValueError:
            raise TemporaryFailure("46elks answered something that is not JSON") from None
        if not isinstance(answer, dict) or not answer.get("id"):
            raise TemporaryFailure(f"46elks gave no message id: {str(answer)[:200]}")
        return str(answer["id"])


class SmtpMail:
    """E-mail over SMTP, with STARTTLS unless switched off, and a login when a user is set."""

    name = "smtp"

    def __init__(self, host: str, port: int, starttls: bool, username: str, password: str, sender: str,
                 timeout: float, ca_file: str = "") -> None:
        self.host, self.port, self.starttls = host, port, starttls
        self.username, self.password, self.sender, self.timeout = username, password, sender, timeout
        self.ca_file = ca_file or None

    def send(self, message: Outgoing) -> str:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject or ""
        mail["Message-ID"] = msgid = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    # The server's certificate is checked against the system's CAs (or SMTP_CA_FILE).
                    smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPAuthenticationError as e:
            raise PermanentFailure(f"the mail server refused the login: {e.smtp_code}") from None
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("the mail server refused the address") from None
        except smtplib.SMTPResponseException as e:
            reason = f"the mail server answered {e.smtp_code}: {e.smtp_error[:200]!r}"
            raise (PermanentFailure if 500 <= e.smtp_code < 600 else TemporaryFailure)(reason) from None
        except (smtplib.SMTPException, OSError) as e:
            raise TemporaryFailure(f"the mail server could not be reached: {e}") from None
        return msgid


def providers_for(app: Flask) -> dict[str, Provider | None]:
    """The provider of each channel as configured; None for a channel that is off."""
    c = app.config
    timeout = c["OUTBOX_PROVIDER_TIMEOUT"]
    sms: Provider | None = None
    if c["SMS_PROVIDER"] == "console":
        sms = ConsoleProvider("sms")
    elif c["SMS_PROVIDER"] == "46elks":
        sms = ElksSms(c["ELKS_URL"], c["ELKS_USERNAME"], c["ELKS_PASSWORD"], c["SMS_FROM"], timeout)
    email: Provider = (
        SmtpMail(c["SMTP_HOST"], c["SMTP_PORT"], c["SMTP_STARTTLS"], c["SMTP_USERNAME"], c["SMTP_PASSWORD"],
                 c["MAIL_FROM"], timeout, c["SMTP_CA_FILE"])
        if c["SMTP_HOST"] else ConsoleProvider("email")
    )
    from feedback.outbox.push import provider_for as push_provider

    # Push is on when a VAPID private key is set (`flask outbox vapid-keys` makes one).
    return {"sms": sms, "email": email, "push": push_provider(app, timeout)}
