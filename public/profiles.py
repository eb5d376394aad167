"""What the public look-up shows of a subject (SPEC §7), read in four plain SQL statements.

The look-up is the busiest page the county has, and anyone can send it as fast as they like: at 200
requests a second through the ORM, building and compiling its four queries cost about 5 ms of the 7 ms
of CPU each request took (the database's part was under 1 ms), so the two cores were full long before
the target rate (issue 20). Here each statement is written once, as text, and its rows become small
read-only objects with the attributes the page and the API serializer read. The same rules as the
ORM selectors they stand for, which the rest of the code uses and which stay the definition:

- the subject: ``Subject.objects.filter(code=…)``, only the public columns;
- grades: ``grading.selectors.grades_in_force`` — the rows in force, in its order; "not graded" is no
  grade to show;
- records: ``public.selectors.records_published_on`` — published on the day (SPEC §3.4);
- lists: ``measures.selectors.list_entries_in_force`` — memberships in force on the day.

``tests/public/test_profiles.py`` checks every field against those selectors on the same data. The SQL
runs unchanged on PostgreSQL and SQLite (the embedded mode).
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.models import ListScope, ListType
from records.models import CreditRecord, RecordStatus
from subjects.models import Subject, SubjectKind
from subjects.selectors import subject_public_code


@dataclass(frozen=True, slots=True)
class Named:
    """A scheme, a department or a kind of record: its code and its name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PublicGrade:
    stands_on_id: int
    scheme: Named
    department: Named | None
    grade: str
    as_of: datetime.date


@dataclass(frozen=True, slots=True)
class PublicRecord:
    document_number: str
    kind: Named
    has_licence: bool
    department: Named
    decision_date: datetime.date
    publish_until: datetime.date
    matter: str
    content: str
    licence_category: str
    licence_category_note: str
    licence_certificate: str
    licence_number: str
    licence_valid_from: datetime.date | None
    licence_valid_to: datetime.date | None
    licence_authority: str

    def get_licence_category_display(self) -> str:
        return str(_licence_categories().get(self.licence_category, self.licence_category))


@dataclass(frozen=True, slots=True)
class PublicListEntry:
    list_type: str
    scope: str
    department: Named
    reason: str
    authority: str
    level: str
    listed_on: datetime.date
    ends_on: datetime.date | None

    @property
    def list_name(self) -> str:
        """As ``ListEntry.list_name``: the county list's name, or the deciding department's own list."""
        if self.scope != ListScope.DEPARTMENT:
            return str(ListType(self.list_type).label)
        if self.list_type == ListType.RED:
            return _("%(department)s red list") % {"department": self.department.name}
        return _("%(department)s black list") % {"department": self.department.name}


@dataclass
class PublicProfile:
    """One subject as the public sees it; ``code`` is masked for a natural person."""

    subject: Subject
    code: str
    grades: list[PublicGrade] = field(default_factory=list)
    records: list[PublicRecord] = field(default_factory=list)
    lists: list[PublicListEntry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.subject.name

    @property
    def kind(self) -> str:
        return self.subject.kind

    @property
    def kind_name(self) -> str:
        return str(SubjectKind(self.subject.kind).label)

    @property
    def licences(self) -> list[PublicRecord]:
        """The published records that are administrative licences (双公示 行政许可, 004 §4(3)), shown
        with their licence fields: an invalid or expired licence is not published at all."""
        return [record for record in self.records if record.has_licence]


@cache
def _licence_categories() -> dict[str, object]:
    return dict(CreditRecord._meta.get_field("licence_category").flatchoices)


def _day(value) -> datetime.date | None:
    """A date column as a date (SQLite hands plain SQL its ISO text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _rows(sql: str, params: list) -> list[tuple]:
    # The database the ORM reads these models from (the primary: a corrected grade shows at once).
    with connections[router.db_for_read(Subject)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


SUBJECT_SQL = "SELECT id, kind, code, name FROM subjects_subject WHERE code = %s"

GRADES_SQL = """
SELECT g.subject_id, g.stands_on_id, s.code, s.name, d.code, d.name, g.grade, g.as_of
FROM grading_gradeinforce g
JOIN grading_scheme s ON s.id = g.scheme_id
LEFT JOIN accounts_department d ON d.id = g.department_id
WHERE g.subject_id IN ({ids}) AND g.grade <> ''
ORDER BY g.subject_id, s.owner_id NULLS FIRST, s.code, d.sort_order, d.code
"""

RECORDS_SQL = """
SELECT r.subject_id, r.document_number, k.code, k.name, k.has_licence, d.code, d.name,
       r.decision_date, r.publish_until, r.matter, r.content, r.licence_category,
       r.licence_category_note, r.licence_certificate, r.licence_number, r.licence_valid_from,
       r.licence_valid_to, r.licence_authority
FROM records_creditrecord r
JOIN records_recordkind k ON k.id = r.kind_id
JOIN accounts_department d ON d.id = r.department_id
WHERE r.subject_id IN ({ids}) AND r.status = %s AND r.is_current = %s AND k.is_published = %s
  AND r.decision_date <= %s AND r.publish_until >= %s
ORDER BY r.subject_id, r.decision_date DESC, r.id DESC
"""

LISTS_SQL = """
SELECT e.subject_id, e.list_type, e.scope, d.code, d.name, e.reason, e.authority, e.level,
       e.listed_on, e.ends_on
FROM measures_listentry e
JOIN accounts_department d ON d.id = e.department_id
WHERE e.subject_id IN ({ids}) AND e.listed_on <= %s
  AND (e.removed_on IS NULL OR e.removed_on > %s) AND (e.ends_on IS NULL OR e.ends_on >= %s)
ORDER BY e.list_type, e.listed_on DESC, e.id DESC
"""


def public_subject_by_code(*, code: str) -> Subject | None:
    """The subject registered under the normalised, valid ``code``, with its public columns only."""
    rows = _rows(SUBJECT_SQL, [code])
    if not rows:
        return None
    pk, kind, code, name = rows[0]
    return Subject(id=pk, kind=kind, code=code, name=name)


def public_profiles(*, subjects: list[Subject], day: datetime.date | None = None) -> list[PublicProfile]:
    """What the public sees of each subject on ``day`` (today by default): three statements whatever
    the number of subjects."""
    day = day or timezone.localdate()
    profiles = {s.pk: PublicProfile(subject=s, code=subject_public_code(s)) for s in subjects}
    if not profiles:
        return []
    ids = list(profiles)
    marks = _placeholders(len(ids))
    iso = day.isoformat()
    for subject_id, stands_on_id, s_code, s_name, d_code, d_name, grade, as_of in _rows(
        GRADES_SQL.format(ids=marks), ids
    ):
        profiles[subject_id].grades.append(
            PublicGrade(
                stands_on_id=stands_on_id,
                scheme=Named(s_code, s_name),
                department=Named(d_code, d_name) if d_code is not None else None,
                grade=grade,
                as_of=_day(as_of),
            )
        )
    published = [RecordStatus.EFFECTIVE.value, True, True, iso, iso]
    for row in _rows(RECORDS_SQL.format(ids=marks), [*ids, *published]):
        profiles[row[0]].records.append(
            PublicRecord(
                document_number=row[1],
                kind=Named(row[2], row[3]),
                has_licence=bool(row[4]),
                department=Named(row[5], row[6]),
                decision_date=_day(row[7]),
                publish_until=_day(row[8]),
                matter=row[9],
                content=row[10],
                licence_category=row[11],
                licence_category_note=row[12],
                licence_certificate=row[13],
                licence_number=row[14],
                licence_valid_from=_day(row[15]),
                licence_valid_to=_day(row[16]),
                licence_authority=row[17],
            )
        )
    for row in _rows(LISTS_SQL.format(ids=marks), [*ids, iso, iso, iso]):
        profiles[row[0]].lists.append(
            PublicListEntry(
                list_type=row[1],
                scope=row[2],
                department=Named(row[3], row[4]),
                reason=row[5],
                authority=row[6],
                level=row[7],
                listed_on=_day(row[8]),
                ends_on=_day(row[9]),
            )
        )
    return [profiles[s.pk] for s in subjects]
