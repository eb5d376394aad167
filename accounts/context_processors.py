"""Navigation for the base template, chosen by role (each link is also guarded by its view)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import is_credit_office, is_department_staff, is_reviewer, is_staff_member, is_subject_user


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        items.append((_("Home"), reverse("home")))
        if is_department_staff(user):
            items.append((_("Enter a record"), reverse("records:choose_kind")))
            items.append((_("Our records"), reverse("records:list")))
            items.append((_("Upload"), reverse("records:import")))
        if is_reviewer(user):
            items.append((_("Review"), reverse("records:review")))
        if is_credit_office(user):
            items.append((_("All records"), reverse("records:list")))
        if is_staff_member(user):
            items.append((_("Reminders and interviews"), reverse("reminders:list")))
            items.append((_("Subjects"), reverse("subjects:list")))
            items.append((_("Register a subject"), reverse("subjects:create")))
            items.append((_("Applied measures"), reverse("measures:applications")))
            items.append((_("Department lists"), reverse("measures:listings")))
            items.append((_("Random inspections"), reverse("inspections:home")))
            items.append((_("Yearly summary"), reverse("reports:index")))
        if is_staff_member(user):
            items.append((_("Objections"), reverse("objections:list")))
        if is_credit_office(user):
            items.append((_("Subject accounts"), reverse("objections:account_requests")))
            items.append((_("Access log"), reverse("accesslog:list")))
        if is_subject_user(user):
            items.append((_("My credit"), reverse("portal:home")))
            items.append((_("Notices"), reverse("portal:notifications")))
            items.append((_("Who read my credit file"), reverse("accesslog_portal:history")))
        if is_credit_office(user):
            items.append((_("Administration"), reverse("admin:index")))
        if is_staff_member(user) or is_subject_user(user):
            items.append((_("Credit repair"), reverse("repair:home")))
            items.append((_("Credit commitments"), reverse("commitments:home")))
    return {"nav_items": items}
