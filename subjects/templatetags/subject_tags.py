from django import template

from subjects.selectors import subject_visible_code

register = template.Library()


@register.simple_tag(takes_context=True)
def visible_code(context, subject) -> str:
    """The subject's code as the current user may see it (identity numbers masked by role)."""
    return subject_visible_code(user=context["request"].user, subject=subject)
