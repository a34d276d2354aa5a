"""A test client that posts forms as a browser does."""

from urllib.parse import urlencode

from django.core.files.base import File
from django.test import Client
from django.test.client import MULTIPART_CONTENT

URLENCODED = "application/x-www-form-urlencoded"


def _has_files(data) -> bool:
    values = data.values() if hasattr(data, "values") else []
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(item, File) or hasattr(item, "read") for item in items):
            return True
    return False


class FormClient(Client):
    """Posts a dict urlencoded, like a browser's form without ``enctype``; multipart with files.

    Django's own test client posts multipart by default, which no public form of the site
    sends and the site refuses (careerfit.middleware.BoundedInputMiddleware).
    """

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, *args, **kwargs):
        if content_type == MULTIPART_CONTENT and not _has_files(data or {}):
            body = urlencode(data or {}, doseq=True)
            return super().post(path, body, URLENCODED, *args, **kwargs)
        return super().post(path, data, content_type, *args, **kwargs)
