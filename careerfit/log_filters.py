"""Logging filters: keep the private links of assessments out of the logs."""

import logging
import re

# An assessment's token, in /a/<token>/..., is all it takes to read that visitor's answers
# and result, so a log line (a 404, a 429, a 500 on that page) must not carry it.
# So is the token of a read-only link, in /lihat/<token>/.
TOKEN_IN_PATH = re.compile(r"(/a/|/lihat/)[^/\s'\"]+")


class RedactAssessmentTokens(logging.Filter):
    """Replaces the token in every /a/<token>/ and /lihat/<token>/ path with "[token]"."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_IN_PATH.sub(r"\1[token]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class OneLineSecurityWarning(logging.Filter):
    """Django's report of a request it refused as suspicious, as one line at WARNING.

    An unknown Host header (DisallowedHost), more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields
    (TooManyFieldsSent) and the like are logged by ``django.security.<name>`` at ERROR with a
    full traceback, though Django has already answered them with a 400: a scanner filled the
    log with tracebacks that say nothing about the app. The message names what was refused.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            record.msg = " ".join(record.getMessage().split())[:500]
            record.args = ()
        return True
