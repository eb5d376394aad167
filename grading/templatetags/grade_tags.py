from django import template

from ..selectors import grade_in_force_changes, grades_in_force

register = template.Library()


@register.inclusion_tag("grading/inc/subject_grades.html")
def grades_section(subject) -> dict:
    """The subject page's section "grades in force": the grading app adds it to the registry's page,
    which knows nothing of grades."""
    return {
        "grades": grades_in_force(subject_ids=[subject.pk]),
        "changes": grade_in_force_changes(subject_id=subject.pk),
        "show_actors": True,  # the staff page: the credit office sees who decided
    }
