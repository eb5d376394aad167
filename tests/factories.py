"""Test data made through the real services (identifiers computed, never hard-coded)."""

import itertools
import random

from django.core.exceptions import ValidationError

from accounts.models import Department, Role
from accounts.services import user_create
from subjects.identifiers import (
    USCC_ALPHABET,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
    validate_uscc,
)
from subjects.models import SubjectKind
from subjects.services import subject_register

_counter = itertools.count(1)
_rng = random.Random(7)


def make_uscc(prefix: str = "91", division: str = "411323") -> str:
    body = "".join(_rng.choice(USCC_ALPHABET) for _ in range(8))
    first17 = prefix + division + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def make_resident_id(birth: str = "19800101", division: str = "411323") -> str:
    """A valid identity number that is not by chance also a valid unified social credit code (an
    all-digit string can satisfy both checksums), so tests about the kind are not ambiguous."""
    while True:
        first17 = f"{division}{birth}{next(_counter) % 1000:03d}"
        number = first17 + resident_id_check_char(first17)
        try:
            validate_uscc(number)
        except ValidationError:
            return number


def make_user(role: str = Role.CLERK, department: str | None = "fgw", username: str | None = None, **extra):
    dept = Department.objects.get(code=department) if department else None
    return user_create(
        actor=None,
        username=username or f"{role}-{next(_counter)}",
        password="pw-for-tests-2026",
        role=role,
        full_name=extra.pop("full_name", ""),
        department=dept,
        **extra,
    )


def make_company(
    name: str | None = None, *, kind: str = SubjectKind.LEGAL_PERSON, rep: tuple[str, str] | None = None
):
    prefix = "92" if kind == SubjectKind.INDIVIDUAL_BUSINESS else "91"
    extra = {}
    if rep is not None:
        extra = {"legal_representative_id_number": rep[0], "legal_representative_name": rep[1]}
    return subject_register(
        actor=None,
        kind=kind,
        code=make_uscc(prefix),
        name=name or f"测试企业{next(_counter)}有限公司",
        **extra,
    )


def make_person(name: str = "张三", number: str | None = None):
    return subject_register(
        actor=None, kind=SubjectKind.NATURAL_PERSON, code=number or make_resident_id(), name=name
    )
