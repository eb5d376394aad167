"""Serializers of the objections API (SPEC §7): the objection as the pages show it, and the input of
filing, of the handler's steps and of the subject's answer — the same services as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subjects.api.fields import VisibleSubjectCodeField

from ..models import (
    Objection,
    ObjectionEvidence,
    ObjectionField,
    ObjectionStatus,
    ObjectionTransition,
    RecordAction,
)
from ..services import MAX_EVIDENCE_FILES, OUTCOMES

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
    field = serializers.ChoiceField(choices=ObjectionField.choices, allow_blank=True, read_only=True)
    document_number = serializers.CharField(source="record.document_number", read_only=True, default="")
    grade_scheme = serializers.CharField(source="grade.scheme.code", read_only=True, default="")
    overdue = serializers.BooleanField(read_only=True)
    due_date = serializers.DateField(source="deadline", read_only=True)
    paused = serializers.BooleanField(read_only=True)
    receipt = serializers.CharField(source="receipt_number", read_only=True)
    status = ObjectionStatusField(read_only=True)
    # Empty until a decision did something to the record; declared so the schema allows "".
    record_action = serializers.ChoiceField(choices=RecordAction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "number",
            "receipt",
            "subject_code",
            "subject_name",
            "target",
            "record",
            "document_number",
            "field",
            "claimed_value",
            "grade",
            "grade_scheme",
            "department",
            "status",
            "submitted_at",
            "deadline",
            "due_date",
            "paused",
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
            "material_request",
            "material_due",
            "material_days_left",
            "material_answer",
            "decision_reason",
            "corrected_value",
            "corrected_grade",
            "correction",
            "evidence",
            "transitions",
        ]
        read_only_fields = fields


class ObjectionCreateInputSerializer(serializers.Serializer):
    """A record objection names ``record`` (and, for one field of it, ``field`` and ``claimed_value``);
    a grade objection names ``grade``. The services check the rest (one of the two, the claimed value,
    the files), with the reason in the user's language."""

    record = serializers.IntegerField(required=False, min_value=1, help_text=_("The credit record's id."))
    grade = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The grade's id (as the public look-up gives it).")
    )
    field = serializers.ChoiceField(
        choices=ObjectionField.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The one field of the record objected to; empty: the whole record."),
    )
    claimed_value = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text=_(
            "The value claimed for the field: a subject code; YYYY-MM-DD; yuan; sanction names "
            "separated by “;”; 轻微/一般/严重."
        ),
    )
    reason = serializers.CharField(max_length=5000, help_text=_("Why the information is wrong."))
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_EVIDENCE_FILES,
        help_text=_("Evidence files (multipart only)."),
    )


class ObjectionReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text=_("The reason (required to ask for material)."),
    )


class ObjectionDecideInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(o.value, o.label) for o in OUTCOMES])
    reason = serializers.CharField(max_length=5000, help_text=_("The reasons the subject is given."))
    corrected_value = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text=_("Partly upheld field objection: the value the field is corrected to."),
    )
    corrected_grade = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4,
        help_text=_("Grade objection upheld: the corrected grade, one of the scheme's grades."),
    )


class ObjectionAnswerInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text=_("The subject's answer to the request."))
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_EVIDENCE_FILES,
        source="files",
        help_text=_("The material asked for (multipart only)."),
    )
