from django import template

from accounts.permissions import is_staff_member

from ..department_lists import department_listings_settle_due
from ..models import ListType, MeasureKind
from ..permissions import can_propose_listing
from ..selectors import department_listings_of_subject, list_entries_in_force, measures_applicable

register = template.Library()


def measures_labelled(items: list[dict]) -> list[dict]:
    """The selector's items with the labels a page shows, in the reader's language."""
    return [
        item
        | {
            "kind_label": MeasureKind(item["kind"]).label,
            "list_label": item.get("list_name") or (ListType(item["list"]).label if item["list"] else ""),
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


@register.inclusion_tag("measures/inc/subject_listings.html", takes_context=True)
def department_listings_section(context, subject) -> dict:
    """The subject page's section of the departments' own lists (SPEC §3.6): the listings under way
    (proposed, told to the subject, its statement) and in force, as the staff user may see them. Placed
    before the grades: it first brings the listings due today into effect, so the grades shown after it
    are the ones the listing gives."""
    user = context["request"].user
    if not is_staff_member(user):
        return {"show": False}
    department_listings_settle_due()
    return {
        "show": True,
        "subject": subject,
        "listings": department_listings_of_subject(user=user, subject_id=subject.pk),
        "can_propose": can_propose_listing(user),
        "request": context["request"],
    }
