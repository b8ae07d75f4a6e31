"""Per-person interface language, and the second factor for those who must use one."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django_otp import devices_for_user


class UserLanguageMiddleware:
    """Activate the language the signed-in person chose, wherever they sign in from.

    Runs after LocaleMiddleware, which has already picked a language from the cookie or the
    browser; a saved personal choice wins over both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class SecondFactorMiddleware:
    """Hold approvers and administrators at the one-time-code step until they pass it.

    After the password, a person whose role needs a second factor (Role.requires_second_factor)
    reaches nothing but enrolment, verification, sign-out and the language switch until
    django-otp marks the session verified. Runs after django-otp's OTPMiddleware.
    """

    OPEN_ROUTES = frozenset({"otp_setup", "otp_verify", "logout", "set_language", "login"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_second_factor
            and not user.is_verified()
            and not request.path_info.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL)
            and self._route(request) not in self.OPEN_ROUTES
        ):
            step = "otp_verify" if any(devices_for_user(user, confirmed=True)) else "otp_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _route(request) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
