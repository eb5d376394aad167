"""How an identity number is shown to whoever may not see it whole (SPEC §6: masked everywhere except
for the roles that must see it, in pages, APIs, exports, error workbooks and the access log alike).
Plain string rules, shared by every layer; which roles see what is decided by the callers' selectors.
"""


def mask_resident_id(value: str) -> str:
    """Mask an identity number for display: the first 6 and the last 4 characters stay, the 8 between
    (the date of birth) become ``*`` — ``110105********002X``. A value that is not 18 characters long
    keeps only its first and last character; an empty value stays empty."""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[-4:]
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_resident_id_region(value: str) -> str:
    """Mask an identity number down to its region: only the first 6 characters (the issuing county's
    division code) stay — ``411323************``. For public lists, where the number stands beside a
    name: the 12 hidden characters (birth date, sequence number, check character) leave millions of
    candidates, so no look-up budget lets anyone complete it, whereas the 6+4 mask leaves only the
    birth date, a few thousand candidates once the check character has spoken."""
    if len(value) == 18:
        return value[:6] + "*" * 12
    return "*" * len(value)
