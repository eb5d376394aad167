"""Output of the public look-up API (SPEC §7). Read-only: the public never writes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from measures.models import ListScope
from subjects.models import SubjectKind


class PublicGradeSerializer(serializers.Serializer):
    """A grade in force (SPEC §3.5, §7): ``id`` is the grade a grade objection names; ``department`` the
    code of the department grading with a department scheme (null for a county scheme)."""

    id = serializers.IntegerField(source="stands_on_id")
    scheme = serializers.CharField(source="scheme.code")
    scheme_name = serializers.CharField(source="scheme.name")
    department = serializers.CharField(source="department.code", default=None, allow_null=True)
    department_name = serializers.CharField(source="department.name", default=None, allow_null=True)
    grade = serializers.CharField()
    as_of = serializers.DateField()


class PublicRecordSerializer(serializers.Serializer):
    document_number = serializers.CharField()
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    decision_date = serializers.DateField()
    publish_until = serializers.DateField()


class PublicListEntrySerializer(serializers.Serializer):
    """A list membership in force: on a county joint list (``scope`` ``joint``), or on a department's own
    red or black list (``department``, SPEC §3.6), with the deciding department and, for a listing
    with a period, its last day."""

    list_type = serializers.CharField()
    list_name = serializers.CharField()
    reason = serializers.CharField()
    authority = serializers.CharField()
    level = serializers.CharField()
    listed_on = serializers.DateField()
    scope = serializers.ChoiceField(choices=ListScope.choices)
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    listed_until = serializers.DateField(source="ends_on", allow_null=True)


@extend_schema_field(
    {"type": "string", "enum": list(SubjectKind.values)}, component_name="PublicSubjectKindEnum"
)
class PublicSubjectKindField(serializers.CharField):
    pass


class PublicSubjectSerializer(serializers.Serializer):
    """One subject as the public sees it; ``code`` is masked for a natural person."""

    code = serializers.CharField()
    name = serializers.CharField()
    kind = PublicSubjectKindField()
    kind_name = serializers.CharField()
    grades = PublicGradeSerializer(many=True)
    records = PublicRecordSerializer(many=True)
    lists = PublicListEntrySerializer(many=True)

    def to_representation(self, profile) -> dict:
        """The dict DRF builds from the fields above, written out: the look-up answers up to 20 subjects
        a page at hundreds of requests a second, and DRF copies every field of every nested serializer
        for each answer (about a millisecond a page). The fields stay the schema;
        tests/public/test_profiles.py checks that both give the same answer."""
        return {
            "code": profile.code,
            "name": profile.name,
            "kind": profile.kind,
            "kind_name": profile.kind_name,
            "grades": [
                {
                    "id": grade.stands_on_id,
                    "scheme": grade.scheme.code,
                    "scheme_name": grade.scheme.name,
                    "department": grade.department.code if grade.department else None,
                    "department_name": grade.department.name if grade.department else None,
                    "grade": grade.grade,
                    "as_of": _day(grade.as_of),
                }
                for grade in profile.grades
            ],
            "records": [
                {
                    "document_number": record.document_number,
                    "kind": record.kind.code,
                    "kind_name": record.kind.name,
                    "decision_date": _day(record.decision_date),
                    "publish_until": _day(record.publish_until),
                }
                for record in profile.records
            ],
            "lists": [
                {
                    "list_type": entry.list_type,
                    "list_name": entry.list_name,
                    "reason": entry.reason,
                    "authority": entry.authority,
                    "level": entry.level,
                    "listed_on": _day(entry.listed_on),
                    "scope": entry.scope,
                    "department": entry.department.code,
                    "department_name": entry.department.name,
                    "listed_until": _day(entry.ends_on),
                }
                for entry in profile.lists
            ],
        }


def _day(value) -> str | None:
    """A date as DRF's ``DateField`` writes it (ISO 8601)."""
    return value.isoformat() if value is not None else None


class PublicErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PublicSubjectPageSerializer(serializers.Serializer):
    """One page of look-up results."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicSubjectSerializer(many=True)
