from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language, get_supported_language_variant


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login everywhere, except the API: it answers 401 itself, and public endpoints
    (Open311) declare their own authentication."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Chinese unless the user chose English with the switch (the language cookie).

    The browser's Accept-Language is ignored on purpose: staff on English-language systems
    still work in Chinese by default (SPEC X.6)."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        language = get_supported_language_variant(language)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
