from django import template

from accounts.permissions import is_staff_member

from ..models import ListType, MeasureKind
from ..selectors import list_entries_in_force, measures_applicable

register = template.Library()


def measures_labelled(items: list[dict]) -> list[dict]:
    """The selector's items with the labels a page shows, in the reader's language."""
    return [
        item
        | {
            "kind_label": MeasureKind(item["kind"]).label,
            "list_label": ListType(item["list"]).label if item["list"] else "",
        }
        for item in items
    ]


@register.inclusion_tag("measures/inc/subject_section.html", takes_context=True)
def measures_section(context, subject) -> dict:
    """The subject page's section "measures that apply now", for any staff user."""
    user = context["request"].user
    if not is_staff_member(user):
        return {"show": False}
    return {
        "show": True,
        "subject": subject,
        "items": measures_labelled(measures_applicable(subject=subject)),
        "entries": list(list_entries_in_force(subject_ids=[subject.pk])),
        "request": context["request"],
    }
