"""Django's message storage, with its cookie named as the site's other cookies are.

Over HTTPS (SESSION_COOKIE_SECURE) the cookie is ``__Host-messages``: a browser takes it only
with Secure, from this host, for every path. Django deletes a cookie (an empty value with
Max-Age=0) with Secure only when its name has that prefix, so the deletion of a cookie named
plain "messages", sent after a message is shown, went out without Secure.
"""

from django.conf import settings
from django.contrib.messages.storage import cookie, fallback, session


class CookieStorage(cookie.CookieStorage):
    @property
    def cookie_name(self) -> str:
        return "__Host-messages" if settings.SESSION_COOKIE_SECURE else "messages"


class FallbackStorage(fallback.FallbackStorage):
    """Django's default storage: the cookie above, and the session for what it cannot hold."""

    storage_classes = (CookieStorage, session.SessionStorage)
