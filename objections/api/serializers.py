"""Output serializers of the objections API (read-only; objections are filed and decided through the
portal and the handlers' pages, which call the services)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subjects.api.fields import VisibleSubjectCodeField

from ..models import Objection, ObjectionEvidence, ObjectionStatus, ObjectionTransition, RecordAction

# Named enum components (as in the records API) keep the schema free of drf-spectacular's "multiple
# names for the same choice set" warning.
OBJECTION_STATUS_REF = {"$ref": "#/components/schemas/ObjectionStatusEnum"}


@extend_schema_field(
    {"type": "string", "enum": list(ObjectionStatus.values)}, component_name="ObjectionStatusEnum"
)
class ObjectionStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ObjectionStatus.choices, **kwargs)


@extend_schema_field({"oneOf": [OBJECTION_STATUS_REF, {"type": "string", "enum": [""]}]})
class ObjectionFromStatusField(serializers.ChoiceField):
    """Empty on the transition that records the filing."""

    def __init__(self, **kwargs):
        super().__init__(choices=ObjectionStatus.choices, allow_blank=True, **kwargs)


class ObjectionEvidenceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ObjectionEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class ObjectionTransitionOutputSerializer(serializers.ModelSerializer):
    from_status = ObjectionFromStatusField(read_only=True)
    to_status = ObjectionStatusField(read_only=True)

    class Meta:
        model = ObjectionTransition
        fields = ["from_status", "to_status", "reason", "at"]
        read_only_fields = fields


class ObjectionListOutputSerializer(serializers.ModelSerializer):
    subject_code = VisibleSubjectCodeField(source="subject")
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    document_number = serializers.CharField(source="record.document_number", read_only=True, default="")
    grade_scheme = serializers.CharField(source="grade.scheme.code", read_only=True, default="")
    overdue = serializers.BooleanField(read_only=True)
    status = ObjectionStatusField(read_only=True)
    # Empty until a decision did something to the record; declared so the schema allows "".
    record_action = serializers.ChoiceField(choices=RecordAction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "subject_code",
            "subject_name",
            "target",
            "record",
            "document_number",
            "grade",
            "grade_scheme",
            "department",
            "status",
            "submitted_at",
            "deadline",
            "overdue",
            "decided_at",
            "record_action",
        ]
        read_only_fields = fields


class ObjectionDetailOutputSerializer(ObjectionListOutputSerializer):
    evidence = ObjectionEvidenceOutputSerializer(many=True, read_only=True)
    transitions = ObjectionTransitionOutputSerializer(many=True, read_only=True)

    class Meta(ObjectionListOutputSerializer.Meta):
        fields = ObjectionListOutputSerializer.Meta.fields + [
            "reasons",
            "decision_reason",
            "correction",
            "evidence",
            "transitions",
        ]
        read_only_fields = fields
