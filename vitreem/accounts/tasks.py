"""Jobs of the accounts, run by the queue's workers (ADR 0010)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .models import User


@task()
def send_password_reset(user_id: int, invited: bool = False) -> bool:
    """Mail the user a link to choose a new password. The link is made here, in the worker,
    so that no usable token is ever stored in the queue's table.

    ``invited``: the account was just made by a leader (accounts.services.member_add), without a
    password; its first link lets the new member choose one. An account that has ever signed in
    and has no usable password gets no link."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    if not user.has_usable_password() and not (invited and user.last_login is None):
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": settings.SITE_URL.rstrip("/") + path,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    kind = "invitation" if invited else "password_reset"
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/{kind}_subject.txt", context).strip()
        body = render_to_string(f"accounts/{kind}_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
