"""Logging helpers: personal data and secrets must never reach a log line."""

import logging
import re

# Secrets first (a token may contain digits that look like an IIN), then emails, 12-digit IINs and
# Kazakhstan phone numbers (+7 / 8 followed by 10 digits).
_PATTERNS = [
    # A URL's query string may carry anything a form was given (?email=…&iin=…): never logged.
    (re.compile(r"""(/[^\s?'"<>]*)\?[^\s'"<>]+"""), r"\1?[query]"),
    # Signed values (django.core.signing: hearing-cancel, unsubscribe and data-export links).
    (re.compile(r"(?<![\w.:-])\.?[A-Za-z0-9_-]{8,}(?::[A-Za-z0-9_-]{4,}){1,2}(?![\w:-])"), "[signed]"),
    # Our API tokens, and any bearer credential.
    (re.compile(r"qat_[A-Za-z0-9_-]{6,}"), "[token]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[token]"),
    # key=value / "key": "value" pairs whose key names a secret.
    (
        re.compile(
            r"""(?i)((?:password\d?|passwd|secret|token|api[_-]?key|sessionid|csrftoken|csrfmiddlewaretoken|iin)"""
            r"""["']?\s*[:=]\s*["']?)[^\s"'&,;}]+"""
        ),
        r"\1[redacted]",
    ),
    # Long hex or URL-safe random strings (keys, hashes, signed values).
    (re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])"), "[secret]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"(?<!\d)\d{12}(?!\d)"), "[iin]"),
    (re.compile(r"(?:\+7|(?<!\d)8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"), "[phone]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# Attributes every LogRecord has; anything else came in through `extra=` (the JSON formatter prints it).
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactPersonalDataFilter(logging.Filter):
    """Masks emails, IINs, phone numbers, tokens and passwords in every record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, without its arguments
            message = str(record.msg)
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _RECORD_ATTRIBUTES:
                setattr(record, name, _redacted_field(value))
        return True


def _redacted_field(value):
    """An `extra` field as the JSON formatter will print it, redacted: objects (Django passes the request)
    are printed with str(), which carries the whole URL."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {key: _redacted_field(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted_field(item) for item in value]
    return redact(str(value))
