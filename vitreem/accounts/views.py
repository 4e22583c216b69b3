from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import User
from .selectors import my_token_or_404, my_tokens
from .services import (
    password_reset_done,
    password_reset_request,
    token_revoke,
    token_revoke_all,
)


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/tokens.html", {"tokens": my_tokens(_me(request))})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _me(request)
    token = my_token_or_404(user, token_id)
    token_revoke(actor=user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập %(token)s.") % {"token": token.label})
    return redirect("account_tokens")


@login_required
@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    count = token_revoke_all(actor=user, user=user)
    messages.success(request, _("Đã thu hồi %(count)d mã truy cập.") % {"count": count})
    return redirect("account_tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own view (it keeps this session signed in); the new password's fingerprint
    revokes every API token (vitreem.accounts.models.password_fingerprint)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account_tokens")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Đã đổi mật khẩu. Mọi mã truy cập API cũ đã bị thu hồi."))
        return response


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Địa chỉ thư điện tử của tài khoản"),
        max_length=254,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@ubnd.gov.vn.")},
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether the address has an account or
    not, and the mail leaves from the queue, so neither the page nor its timing tells."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"])
        return redirect("password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view: it moves the token from the link into the session before showing the
    form, so the token never leaves in a Referer header."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        password_reset_done(user=form.user)
        return response


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")
