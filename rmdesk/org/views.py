"""Second factor: enrol an authenticator app, then confirm a one-time code at each sign-in."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token

from rmdesk.org.services import second_factor_confirm, second_factor_enrolment


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return "/"


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Show the enrolment code of a new authenticator and confirm it with its first code."""
    device = second_factor_enrolment(user=request.user)
    error = None
    if request.method == "POST":
        if second_factor_confirm(device=device, token=request.POST.get("token", "")):
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _("That code is not right. Check the clock of the phone and try the current code.")
    context = {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
        "secret": b32encode(device.bin_key).decode(),
        "next": _next_url(request),
        "error": error,
    }
    return render(request, "registration/otp_setup.html", context, status=400 if error else 200)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of the person's authenticator."""
    error = None
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("token", "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _("That code is not right. Check the clock of the phone and try the current code.")
    return render(request, "registration/otp_verify.html", {"next": _next_url(request), "error": error}, status=400 if error else 200)
