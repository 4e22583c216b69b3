from django.http import HttpRequest

from . import selectors


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread count of the bell on every page: one query, and only when it is shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: selectors.unread_count(user)}
