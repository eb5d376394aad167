from django import template

from commitments.selectors import voluntary_entries_verified

register = template.Library()


@register.inclusion_tag("commitments/inc/voluntary_verified.html")
def voluntary_verified(subject) -> dict:
    """Verified voluntary registrations of a subject, for its page (004 §5(3))."""
    return {"entries": list(voluntary_entries_verified(subject=subject)[:50])}
