"""Input and output serializers of the records API.

Input serializers only check shapes (types, lengths, dates); every rule about records — kinds, sanctions,
severity, duplicates, who may do what — lives in ``records.validation`` and ``records.services``, which the
views call, so the API refuses exactly what the web form and the spreadsheet import refuse.

The complainant (000 Art. 13) is never part of the list representation, and the detail representation
carries it only for users who may see it (``can_see_complainant``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subjects.models import Subject, SubjectKind
from subjects.selectors import subject_visible_code

from ..models import CreditRecord, RecordStatus, RecordTransition, Sanction, Severity, SeveritySource
from ..permissions import can_see_complainant
from ..validation import RecordInput, SanctionInput

# --- schema -------------------------------------------------------------------------------------------
# The same choice set appears under several field names (status, to_status, from_status; kind and
# subject_kind). Named enum components keep the OpenAPI schema free of drf-spectacular's "multiple names
# for the same choice set" warning without a project-wide ENUM_NAME_OVERRIDES entry.

RECORD_STATUS_REF = {"$ref": "#/components/schemas/RecordStatusEnum"}


@extend_schema_field({"type": "string", "enum": list(RecordStatus.values)}, component_name="RecordStatusEnum")
class RecordStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=RecordStatus.choices, **kwargs)


@extend_schema_field({"oneOf": [RECORD_STATUS_REF, {"type": "string", "enum": [""]}]})
class RecordFromStatusField(serializers.ChoiceField):
    """Empty on the transition that records the entry of the record."""

    def __init__(self, **kwargs):
        super().__init__(choices=RecordStatus.choices, allow_blank=True, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(SubjectKind.values)}, component_name="RecordSubjectKindEnum"
)
class SubjectKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SubjectKind.choices, **kwargs)


# --- output -------------------------------------------------------------------------------------------


class RecordSubjectOutputSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["code", "name", "kind"]
        read_only_fields = fields

    def get_code(self, obj: Subject) -> str:
        # Identity numbers of natural persons are masked for roles that need not see them whole.
        return subject_visible_code(user=self.context["request"].user, subject=obj)


class SanctionOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code", read_only=True)
    name = serializers.CharField(source="kind.name", read_only=True)

    class Meta:
        model = Sanction
        fields = ["kind", "name", "fine_amount"]
        read_only_fields = fields


class RecordTransitionOutputSerializer(serializers.ModelSerializer):
    from_status = RecordFromStatusField(read_only=True)
    to_status = RecordStatusField(read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

    class Meta:
        model = RecordTransition
        fields = ["from_status", "to_status", "actor", "reason", "at"]
        read_only_fields = fields


class RecordListOutputSerializer(serializers.ModelSerializer):
    """One row of a list. Never the complainant (000 Art. 13)."""

    subject = RecordSubjectOutputSerializer(read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    sanctions = SanctionOutputSerializer(many=True, read_only=True)
    status = RecordStatusField(read_only=True)
    # Empty on a draft whose severity is not derived yet; declared so the schema allows "".
    severity = serializers.ChoiceField(choices=Severity.choices, allow_blank=True, read_only=True)
    severity_source = serializers.ChoiceField(
        choices=SeveritySource.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "subject",
            "kind",
            "kind_name",
            "department",
            "document_number",
            "decision_date",
            "matter",
            "severity",
            "severity_source",
            "fine_total",
            "status",
            "version",
            "is_current",
            "publish_due",
            "publish_until",
            "under_objection",
            "sanctions",
            "created_at",
        ]
        read_only_fields = fields


class RecordDetailOutputSerializer(RecordListOutputSerializer):
    """One record with its status history; the complainant only for the department's reviewers and
    the credit office (the keys are absent for everyone else)."""

    COMPLAINANT_FIELDS = ("complainant_name", "complainant_contact")

    # Not read-only so that the schema does not list them as always present; this serializer is only
    # ever used for output.
    complainant_name = serializers.CharField(required=False, allow_blank=True)
    complainant_contact = serializers.CharField(required=False, allow_blank=True)
    transitions = RecordTransitionOutputSerializer(many=True, read_only=True)

    class Meta(RecordListOutputSerializer.Meta):
        fields = RecordListOutputSerializer.Meta.fields + [
            "content",
            "legal_basis",
            "severity_reason",
            "external_grade",
            "return_reason",
            "source",
            "effective_at",
            "updated_at",
            "complainant_name",
            "complainant_contact",
            "transitions",
        ]
        read_only_fields = fields

    def to_representation(self, instance: CreditRecord) -> dict:
        # Decided per record (also when used with many=True), never per serializer.
        data = super().to_representation(instance)
        if not can_see_complainant(self.context["request"].user, instance):
            for name in self.COMPLAINANT_FIELDS:
                data.pop(name, None)
        return data


# --- input --------------------------------------------------------------------------------------------


class SanctionInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=60, help_text=_("Code or Chinese name of the sanction."))
    fine_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, help_text=_("Amount in yuan.")
    )
    detail = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RecordCreateInputSerializer(serializers.Serializer):
    subject_code = serializers.CharField(
        max_length=40, help_text=_("Unified social credit code, or identity number of a natural person.")
    )
    subject_kind = SubjectKindField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Needed only to register a subject whose code is not registered yet."),
    )
    subject_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Needed only to register a subject whose code is not registered yet."),
    )
    kind = serializers.CharField(max_length=60, help_text=_("Code or Chinese name of the record kind."))
    document_number = serializers.CharField(max_length=100)
    decision_date = serializers.DateField(input_formats=["%Y-%m-%d"])
    matter = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    sanctions = SanctionInputSerializer(many=True, required=False, default=list)
    severity = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Leave empty to derive it from the sanctions or the kind; set by hand it needs severity_reason."
        ),
    )
    severity_reason = serializers.CharField(required=False, allow_blank=True, default="")
    external_grade = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "The other grading's result; for a kind with a scale (national evaluation, public evaluation, "
            "market credit evaluation) one of the kind's results."
        ),
    )
    complainant_name = serializers.CharField(required=False, allow_blank=True, default="")
    complainant_contact = serializers.CharField(required=False, allow_blank=True, default="")

    def to_record_input(self) -> RecordInput:
        data = self.validated_data
        return RecordInput(
            kind=data["kind"],
            document_number=data["document_number"],
            decision_date=data["decision_date"],
            matter=data["matter"],
            content=data["content"],
            legal_basis=data["legal_basis"],
            sanctions=[
                SanctionInput(kind=item["kind"], fine_amount=item.get("fine_amount"), detail=item["detail"])
                for item in data["sanctions"]
            ],
            severity=data["severity"],
            severity_reason=data["severity_reason"],
            external_grade=data["external_grade"],
            complainant_name=data["complainant_name"],
            complainant_contact=data["complainant_contact"],
        )


class RecordReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why the record is returned, revoked or repaired (required for those actions)."),
    )


class RecordBulkReviewInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("approve", _("approve")), ("return", _("return"))])
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=2000,
        help_text=_("The records to review; left out, every record of the queue the filters select."),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("Required to return.")
    )


class RecordRefusalOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document_number = serializers.CharField()
    reason = serializers.CharField()


class RecordBulkReviewOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = serializers.ListField(child=serializers.IntegerField())
    refused = RecordRefusalOutputSerializer(many=True)
