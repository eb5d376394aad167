from django import template

from records.selectors import licences_in_force

register = template.Library()


@register.inclusion_tag("records/inc/licences.html")
def licences_section(subject) -> dict:
    """The administrative licences of a subject in force today (004 §4(3)), for its staff page and its
    portal: the same selector the public look-up's records come from."""
    return {"licences": list(licences_in_force(subject_ids=[subject.pk])[:100])}
