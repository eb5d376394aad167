"""Navigation for the base template, chosen by role (each link is also guarded by its view).

The links are grouped (issue 19: fourteen links in one row wrapped to a character per line at 1366 px
and filled a phone's first screen): the base template shows each group with its label, and a narrow
screen folds the whole navigation behind one button. A new page adds one line to its group's list
below, guarded by the role that may open it.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import is_credit_office, is_department_staff, is_reviewer, is_staff_member, is_subject_user


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if user is None or not user.is_authenticated:
        return {"nav_groups": groups, "nav_items": []}
    staff, department, office = is_staff_member(user), is_department_staff(user), is_credit_office(user)
    records: list[tuple[str, str]] = []
    if department:
        records.append((_("Enter a record"), reverse("records:choose_kind")))
        records.append((_("Our records"), reverse("records:list")))
        records.append((_("Upload"), reverse("records:import")))
    if is_reviewer(user):
        records.append((_("Review"), reverse("records:review")))
    if office:
        records.append((_("All records"), reverse("records:list")))
    subjects: list[tuple[str, str]] = []
    if staff:
        subjects.append((_("Subjects"), reverse("subjects:list")))
        subjects.append((_("Register a subject"), reverse("subjects:create")))
    if office:
        subjects.append((_("Subject accounts"), reverse("objections:account_requests")))
    supervision: list[tuple[str, str]] = []
    if staff:
        supervision.append((_("Applied measures"), reverse("measures:applications")))
        supervision.append((_("Department lists"), reverse("measures:listings")))
        supervision.append((_("Reminders and interviews"), reverse("reminders:list")))
        supervision.append((_("Objections"), reverse("objections:list")))
        supervision.append((_("Random inspections"), reverse("inspections:home")))
    if staff or is_subject_user(user):
        supervision.append((_("Credit repair"), reverse("repair:home")))
        supervision.append((_("Credit commitments"), reverse("commitments:home")))
    grading: list[tuple[str, str]] = []
    if office:
        grading.append((_("Yearly evaluation"), reverse("grading:runs")))
    if staff:
        grading.append((_("Yearly summary"), reverse("reports:index")))
    if office:
        grading.append((_("Access log"), reverse("accesslog:list")))
        grading.append((_("Administration"), reverse("admin:index")))
    mine: list[tuple[str, str]] = []
    if is_subject_user(user):
        mine.append((_("My credit"), reverse("portal:home")))
        mine.append((_("Notices"), reverse("portal:notifications")))
        mine.append((_("Who read my credit file"), reverse("accesslog_portal:history")))
    groups = [
        # Group labels differ from their links' names (a label naming a link twice misleads a reader
        # and a screen reader alike); the home link needs none.
        ("", [(_("Home"), reverse("home"))]),
        (_("My subject"), mine),
        (_("Credit records"), records),
        (_("Subject directory"), subjects),
        (_("Supervision"), supervision),
        (_("Grading and reports"), grading),
    ]
    groups = [(label, links) for label, links in groups if links]
    return {"nav_groups": groups, "nav_items": [link for _label, links in groups for link in links]}
