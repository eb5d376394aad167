from django import template

from ..selectors import grades_in_force

register = template.Library()


@register.inclusion_tag("grading/inc/subject_grades.html")
def grades_section(subject) -> dict:
    """The subject page's section "grades in force": the grading app adds it to the registry's page,
    which knows nothing of grades."""
    return {"grades": grades_in_force(subject_ids=[subject.pk])}
