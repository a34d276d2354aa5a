"""Language selection: Indonesian unless the visitor chose otherwise."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .languages import supported_language


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language header.

    The product speaks Indonesian by default, even on a phone set to English; a visitor who
    picks English with the language switcher gets English from then on (a cookie).
    """

    def process_request(self, request):
        # A cookie naming a language the site does not offer (e.g. "fr") is ignored.
        chosen = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        language = chosen or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
