from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
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


# Outside the API (whose routes declare their own methods) a page answers these methods only.
PAGE_METHODS = ("GET", "HEAD", "POST")


class RequestShapeMiddleware:
    """Refuse, with 405 or 400 instead of a 500 deeper down, requests no page is made for:
    methods other than GET, HEAD and POST (TRACE, PUT … outside /api/), and form bodies not in
    UTF-8 (a declared charset=gbk, or bytes that are not UTF-8): text is stored as UTF-8 only,
    never guessed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        if not api and request.method not in PAGE_METHODS:
            return HttpResponseNotAllowed(PAGE_METHODS)
        if request.method == "POST" and not _utf8_form(request):
            return HttpResponseBadRequest(
                "表单须以 UTF-8 编码提交。The form must be sent in UTF-8.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _utf8_form(request) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "")
    kind, _sep, params = content_type.partition(";")
    kind = kind.strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return True
    for param in params.split(";"):
        name, _eq, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    if kind == "multipart/form-data":
        return True  # parts are decoded by Django; their own charset is checked there
    try:
        body = request.body
    except RequestDataTooBig:
        return True  # Django answers 400 itself when the form is read
    try:
        for pair in body.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
