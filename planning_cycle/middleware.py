"""German unless the user chose English: the browser's language is not consulted."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


class ChosenLanguageMiddleware:
    """Activate the language from the switcher's cookie, else the default (German).

    Django's LocaleMiddleware would follow the browser's Accept-Language; staff of a German
    administration often run English browsers but expect the German interface.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in self.languages:
            language = chosen
        elif request.path.startswith(API_PREFIX):
            # Scripts have no switcher: the API answers in the language they ask for.
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # Only for this request: the thread's language is restored afterwards, so that one
        # request asking for English leaves nothing behind in the worker thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(
            response,
            ("Cookie", "Accept-Language") if request.path.startswith(API_PREFIX) else ("Cookie",),
        )
        return response
