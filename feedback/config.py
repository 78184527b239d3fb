"""Configuration defaults; every secret and address can come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta

from feedback.common.static_cache import StaticCache
from feedback.common.static_cache import cache_key as static_cache_key

DEV_SECRET = "dev-only-not-secret"


def _hours(value: str) -> tuple[int, int] | None:
    """ "21-8" -> (21, 8); "0-7" -> (0, 7); "" -> None. A value that is no such pair of hours
    (0-23), or the same hour twice ("8-8": all night or no night?), stops the app at start with
    this message, rather than holding messages for ever or never."""
    if not value.strip():
        return None
    try:
        start, end = (int(h) for h in value.split("-"))
    except ValueError:
        raise ValueError(f"QUIET_HOURS={value!r}: write two hours, such as 21-8 or 0-7, or leave it empty") from None
    if not (0 <= start <= 23 and 0 <= end <= 23):
        raise ValueError(f"QUIET_HOURS={value!r}: the hours are 0 to 23")
    if start == end:
        raise ValueError(f"QUIET_HOURS={value!r}: the start and the end are the same hour; leave it empty for none")
    return start, end


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    # The key of secret ballots and fully anonymous posts, apart from SECRET_KEY so that the
    # session key can be rotated without cutting members off their own ballots. Required in
    # production; elsewhere it falls back to SECRET_KEY.
    BALLOT_SECRET = os.environ.get("BALLOT_SECRET", "")
    # Empty means "SQLite file in instance/", filled in by create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    # Recycle connections instead of pinging before every checkout: a ping costs a round trip
    # on every request (about 6% of a vote on PostgreSQL).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 1800}
    PRODUCTION = os.environ.get("APP_ENV", "") == "production"

    # Languages offered to members, Swedish first (the default). Adding one means
    # adding its catalog and its code here (or in the LANGUAGES variable): no code change.
    LANGUAGES = [c.strip() for c in os.environ.get("LANGUAGES", "sv,en,ar,fa,so,ti").split(",") if c.strip()]
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Europe/Stockholm")

    # Members stay logged in on their phone for months.
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "180")))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "180")))

    PASSWORD_RESET_HOURS = 24
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; a phone left open overnight still works

    # Several app servers must share their counts: REDIS_URL (or RATELIMIT_STORAGE_URI) points them at Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Counted over the last minute (hour, ...) at every moment: a count that starts again a
    # minute after the first try lets a guesser who waits most of it out send twice the limit.
    RATELIMIT_STRATEGY = "moving-window"
    # Apps (or test runs) that share one Redis keep their counts apart with a prefix of their own.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Wrong passwords for one account, from anywhere: guessing spread over many addresses stops too.
    ACCOUNT_LOGIN_RATE_LIMIT = os.environ.get("ACCOUNT_LOGIN_RATE_LIMIT", "10 per 15 minutes;30 per day")
    # How many proxies in front of the app set X-Forwarded-For (and -Proto). Limits count per
    # client address: behind a proxy without this, every member shares the proxy's address.
    # Never more than there really are: each one trusted lets a client name its own address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    LINK_RATE_LIMIT = os.environ.get("LINK_RATE_LIMIT", "30 per minute")
    # "I lost my card": a new link by SMS, asked for from one address, and for one number from anywhere.
    LOST_CARD_RATE_LIMIT = os.environ.get("LOST_CARD_RATE_LIMIT", "5 per hour")
    LOST_CARD_NUMBER_RATE_LIMIT = os.environ.get("LOST_CARD_NUMBER_RATE_LIMIT", "3 per day")
    # Per member: enough for a lively meeting, too few for a flood.
    POST_RATE_LIMIT = os.environ.get("POST_RATE_LIMIT", "6 per minute;40 per hour")
    TAP_RATE_LIMIT = os.environ.get("TAP_RATE_LIMIT", "30 per minute")
    # Certificates per person: a group of 30 printed in one go passes, a loop does not.
    PDF_RATE_LIMIT = os.environ.get("PDF_RATE_LIMIT", "40 per 10 minutes;200 per day")

    # Public base address used in printed login links and QR cards.
    BASE_URL = os.environ.get("BASE_URL", "")

    SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)  # static URLs carry a version
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "application/json",
        "application/manifest+json",
        "text/calendar",
    ]
    COMPRESS_MIN_SIZE = 500
    # Pages and htmx answers are made per request: brotli's fastest level (static files are kept
    # at its strongest, common/static_cache.py).
    COMPRESS_BR_LEVEL = 1
    # Streamed responses are left alone (Flask-Compress's streaming path leaves files open);
    # common/assets.py turns static files into plain responses so that they are compressed all the same.
    COMPRESS_STREAMS = False
    COMPRESS_CACHE_BACKEND = StaticCache
    COMPRESS_CACHE_KEY = static_cache_key
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    # Office accounts see many members' data: their session ends after this long without a request.
    STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "60"))
    # ... and after this long in all, however busy: a session taken over does not last.
    OFFICE_SESSION_HOURS = int(os.environ.get("OFFICE_SESSION_HOURS", "12"))
    # Refused logins, links, 403s and rate limits, for admins at /admin/security.
    SECURITY_LOG_DAYS = int(os.environ.get("SECURITY_LOG_DAYS", "180"))
    # Admins and the steering group log in with a second step (a code from an app); staff may.
    # On in production; off elsewhere unless asked for, so that the demo's people log in with
    # the printed password alone.
    TWO_FACTOR_REQUIRED = os.environ.get("TWO_FACTOR_REQUIRED", "1" if PRODUCTION else "0") == "1"
    # How often an open page asks the server for news, in seconds: the live meeting on her phone,
    # the projector, a thread, a proposal's results. Browser tests shorten them to wait less.
    POLL_SECONDS = {"live": 3, "projector": 2, "thread": 10, "results": 10}
    # The outbox (feedback/outbox): how messages leave. SMS_PROVIDER is "console" (printed to the
    # log, for development), "46elks" (ELKS_* below) or "" (none); e-mail goes over SMTP when
    # SMTP_HOST is set, else to the log too.
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")
    SMS_FROM = os.environ.get("SMS_FROM", "Expertgrupp")
    ELKS_URL = os.environ.get("ELKS_URL", "https://api.46elks.com")
    ELKS_USERNAME = os.environ.get("ELKS_USERNAME", "")
    ELKS_PASSWORD = os.environ.get("ELKS_PASSWORD", "")
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "1") == "1"
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    # A mail server whose certificate a private CA signed: that CA's file (PEM); else the system's.
    SMTP_CA_FILE = os.environ.get("SMTP_CA_FILE", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@localhost")
    # A provider that fails for a while: tries, and the wait before each new try (doubling).
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
    OUTBOX_FIRST_RETRY_SECONDS = int(os.environ.get("OUTBOX_FIRST_RETRY_SECONDS", "60"))
    OUTBOX_PROVIDER_TIMEOUT = float(os.environ.get("OUTBOX_PROVIDER_TIMEOUT", "10"))
    # Sent (or given-up) messages are deleted by `flask retention` after this many days.
    OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "90"))
    # Members' answers to a meeting (will she come, childcare, interpreter) serve its planning:
    # `flask retention` deletes them this many days after the meeting started.
    REPLY_KEEP_DAYS = int(os.environ.get("REPLY_KEEP_DAYS", "30"))
    # No SMS or push to members at night, in the app's zone: held until the end. "21-8" is from
    # 21:00 to 08:00 (across midnight), "0-7" from midnight to 07:00; the same hour twice is
    # refused at start; empty for none (a test bench that runs at any hour).
    QUIET_HOURS = _hours(os.environ.get("QUIET_HOURS", "21-8"))
    # Web Push (feedback/outbox/push.py): on when VAPID_PRIVATE_KEY is set, a P-256 key as PEM or
    # its raw 32 bytes in base64url (`flask outbox vapid-keys` prints a new pair). The public key
    # is derived from it unless given; VAPID_SUBJECT tells the push services who sends
    # (mailto:MAIL_FROM unless set). Browsers give https endpoints at a known push service
    # (PUSH_ENDPOINT_HOSTS, suffixes, "*" for any); tests with a local push service relax both.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "")
    PUSH_ENDPOINT_SCHEMES = ("https",)
    PUSH_ENDPOINT_HOSTS = os.environ.get(
        "PUSH_ENDPOINT_HOSTS",
        "fcm.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com")
    # How long a push service keeps a message for a phone that is off (12 hours).
    PUSH_TTL_SECONDS = int(os.environ.get("PUSH_TTL_SECONDS", "43200"))
    # A member says yes to what is kept about her before she takes part (off in most tests).
    CONSENT_REQUIRED = os.environ.get("CONSENT_REQUIRED", "1") == "1"


class ProductionConfig(Config):
    PRODUCTION = True
    TWO_FACTOR_REQUIRED = os.environ.get("TWO_FACTOR_REQUIRED", "1") == "1"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    TWO_FACTOR_REQUIRED = False  # its own tests switch it on
    CONSENT_REQUIRED = False  # the consent tests switch it on
    SECRET_KEY = "test-secret"
    # The limiter stays on so that its own tests can tighten the limits per test.
    LOGIN_RATE_LIMIT = "10000 per minute"
    ACCOUNT_LOGIN_RATE_LIMIT = "10000 per minute"
    LINK_RATE_LIMIT = "10000 per minute"
    LOST_CARD_RATE_LIMIT = "10000 per minute"
    LOST_CARD_NUMBER_RATE_LIMIT = "10000 per minute"
    POST_RATE_LIMIT = "10000 per minute"
    TAP_RATE_LIMIT = "10000 per minute"
    PDF_RATE_LIMIT = "10000 per minute"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SERVER_NAME = None
    # Push is on in tests, with a key made for them only (tests/test_push.py runs a push service).
    VAPID_PRIVATE_KEY = "ayq-IaKdH5CJk-52y5hl8nRiz2nf9CgZgAKL_ltQ-yM"
    VAPID_SUBJECT = "mailto:expertgrupp@example.org"
