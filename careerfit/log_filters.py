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
