"""Per-person interface language."""

from django.utils import translation


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
