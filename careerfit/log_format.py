"""One format for every log line of Django and gunicorn: UTC time, level, logger, message.

    2026-12-03T08:15:02.114Z WARNING careerfit.cache Redis at redis://... unreachable ...

Both use the same time zone: UTC, said by the "Z". Local time would not do: Django sets the
process's time zone to TIME_ZONE (Asia/Jakarta) when it loads its settings, which gunicorn's
workers do and its master does not, so gunicorn's own lines mixed +07:00 and the server's zone.
"""

import logging
import time

from gunicorn.glogging import Logger as GunicornBaseLogger

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class LogFormatter(logging.Formatter):
    """The format above, with the time in UTC to the millisecond."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self, fmt: str = FORMAT, *args, **kwargs):
        super().__init__(fmt, *args, **kwargs)


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger (its error log, and its access log when one is on) in that format."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(LogFormatter())
