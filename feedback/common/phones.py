"""Phone numbers, checked and written one way (E.164, "+46701234567") with the phonenumbers
library, so that an SMS provider gets a number it can send to. Swedish numbers may be typed
without +46 ("070-123 45 67"); others need their country code."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l

from feedback.common.errors import RuleError

HOME_REGION = "SE"


def e164(raw: str | None) -> str | None:
    """The number in E.164, or None when there is none or it is not a number one can text."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(raw: str | None) -> str | None:
    """For a form: None for an empty field, the E.164 number, or a refusal that says how to write it."""
    if not (raw or "").strip():
        return None
    number = e164(raw)
    if number is None:
        raise RuleError(
            _l("This is not a phone number we can send an SMS to. Write it like 070 123 45 67, or with the "
               "country code like +46 70 123 45 67."),
            field="phone",
        )
    return number
