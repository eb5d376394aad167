from django import template
from django.utils import timezone

from creditreports.services import ReportData

register = template.Library()


@register.inclusion_tag("creditreports/inc/answered_for.html")
def answered_for_section(person) -> dict:
    """A person's page: every subject the person answers for (004 §6(5): legal representative, principal,
    actual controller) with its grades in force, its list memberships in force and its records published
    today — read for all of them in a fixed number of queries (the credit report's reader)."""
    if not person.is_natural_person:
        return {"rows": []}
    data = ReportData(subjects=[person], day=timezone.localdate(), commitments=False)
    rows = [
        {
            "subject": firm,
            "role": role,
            "grades": [g for g in data.grades.get(firm.pk, []) if g.grade],
            "lists": data.lists.get(firm.pk, []),
            "records": data.records.get(firm.pk, []),
        }
        for firm, role in data.answered.get(person.pk, [])
    ]
    return {"rows": rows, "person": person}
