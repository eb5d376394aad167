import base64
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import OneTimeCodeForm
from .middleware import second_factor_forget, second_factor_pending
from .models import User
from .permissions import is_credit_office
from .selectors import second_factor_device, second_factor_mandatory
from .services import (
    totp_device_begin,
    totp_device_confirm,
    user_password_changed,
    user_password_temporary_set,
    user_second_factor_reset,
)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _next_url(request, default: str = "home") -> str:
    """The page the user was going to, if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def login_locked_out(request, original_response=None, credentials=None):
    """What django-axes answers a locked-out login with (AXES_LOCKOUT_CALLABLE): 429 and when to retry."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of the login: the code of the user's authenticator app (SPEC §6)."""
    if not second_factor_pending(request):
        return redirect(_next_url(request))
    device = second_factor_device(user=request.user)
    if device is None:
        return redirect(_with_next("otp_setup", _next_url(request)))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "otp_token", _("The code is wrong or has expired. Wait for the next code and try again.")
        )
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up a TOTP authenticator from the user's own page: scan the QR code (or type the secret), then
    confirm with a code. A user who still owes a code for an existing device cannot replace it here:
    that would let a stolen password skip the second factor."""
    if second_factor_pending(request) and second_factor_device(user=request.user) is not None:
        return redirect(_with_next("otp_verify", _next_url(request)))
    device = totp_device_begin(user=request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(user=request.user, device=device, token=form.cleaned_data["otp_token"]):
            second_factor_forget(request)
            django_otp.login(request, device)
            messages.success(request, _("Your authenticator is set up. Each login now asks for its code."))
            return redirect(_next_url(request, default="account"))
        form.add_error("otp_token", _("The code does not match. Check the phone's clock and try again."))
    uri = device.config_url
    context = {
        "form": form,
        "next": _next_url(request, default="account"),
        "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        "secret": base64.b32encode(device.bin_key).decode(),
        "otpauth_uri": uri,
        "mandatory": second_factor_mandatory(user=request.user),
        "replacing": second_factor_device(user=request.user) is not None,
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
def account(request):
    """The user's own page: password and second factor."""
    return render(
        request,
        "accounts/account.html",
        {
            "device": second_factor_device(user=request.user),
            "mandatory": second_factor_mandatory(user=request.user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user, how="change")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user, how="reset")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def user_security(request, pk: int):
    """The credit office resets another user's password (a temporary one, shown once, that the user
    must change) or removes a lost second factor."""
    if not is_credit_office(request.user):
        raise PermissionDenied
    target = get_object_or_404(User, pk=pk)
    temporary_password = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "password":
                temporary_password = user_password_temporary_set(actor=request.user, user=target)
            elif request.POST.get("action") == "second_factor":
                user_second_factor_reset(actor=request.user, user=target)
                messages.success(
                    request,
                    _("The second factor of %(user)s was removed; they set up a new one at the next login.")
                    % {"user": target.username},
                )
                return redirect("user_security", pk=target.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("user_security", pk=target.pk)
    response = render(
        request,
        "accounts/user_security.html",
        {
            "target": target,
            "device": second_factor_device(user=target),
            "temporary_password": temporary_password,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
