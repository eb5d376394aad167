from django import template

from subjects.identifiers import mask_resident_ids_in_text
from subjects.selectors import identity_numbers_visible_to, subject_visible_code

register = template.Library()


@register.simple_tag(takes_context=True)
def visible_code(context, subject) -> str:
    """The subject's code as the current user may see it (identity numbers masked by role)."""
    return subject_visible_code(user=context["request"].user, subject=subject)


@register.simple_tag(takes_context=True)
def visible_text(context, text) -> str:
    """Free text typed by staff or a subject (a record's content, a reminder's, a reason), with any
    identity number in it masked for a user who may not see numbers whole (SPEC §6)."""
    text = "" if text is None else str(text)
    if identity_numbers_visible_to(user=context["request"].user):
        return text
    return mask_resident_ids_in_text(text)


@register.filter
def without_identity_numbers(path: str) -> str:
    """An address to come back to (the language switch's ``next``) that holds no identity number: a
    page reached by typing a natural person's number never writes it back into the page (SPEC §6).
    The query goes if the number is in it; a path holding one falls back to the look-up page."""
    if mask_resident_ids_in_text(path) == path:
        return path
    bare = path.split("?", 1)[0]
    if mask_resident_ids_in_text(bare) == bare:
        return bare
    return "/public/" if bare.startswith("/public/") else "/"
