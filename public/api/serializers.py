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


class PublicErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PublicSubjectPageSerializer(serializers.Serializer):
    """One page of look-up results."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicSubjectSerializer(many=True)
