"""Navigation for the base template, chosen by role (each link is also guarded by its view)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import is_credit_office, is_staff_member


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        items.append((_("Home"), reverse("home")))
        if is_staff_member(user):
            items.append((_("Subjects"), reverse("subjects:list")))
            items.append((_("Register a subject"), reverse("subjects:create")))
        if is_credit_office(user):
            items.append((_("Administration"), reverse("admin:index")))
    return {"nav_items": items}
