"""The staff API's representation of a subject's credit file (信用档案, 002 §4(2); 004 §4(2) 按需共享).

Output only, besides the purpose asked in the query. The same rules as the page: identity numbers as
the asking user may see them (``subject_visible_code``; free text through ``mask_resident_ids_in_text``
for a user who may not see them whole), no complainant (000 Art. 13: not a field here, and never read),
no applicant's contact. Statuses are plain strings with their wording beside them (``*_display``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accesslog.models import PURPOSE_DETAIL_MAX, AccessPurpose
from subjects.api.fields import VisibleSubjectCodeField
from subjects.identifiers import mask_resident_ids_in_text
from subjects.selectors import identity_numbers_visible_to

# --- input ------------------------------------------------------------------------------------------


class CreditFileQuerySerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(
        choices=AccessPurpose.choices,
        help_text=_("Why the credit file is opened; logged with the opening (004 §4(2))."),
        error_messages={
            "required": _("Choose the purpose for which you open the credit file."),
            "invalid_choice": _("Choose one of the listed purposes."),
        },
    )
    purpose_detail = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=PURPOSE_DETAIL_MAX,
        help_text=_("The purpose in the reader's words; required with purpose=other."),
    )


# --- output -----------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class VisibleTextField(serializers.Field):
    """Free text, with identity numbers in it masked for a user who may not see them whole."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        text = "" if value is None else str(value)
        request = self.context.get("request")
        if identity_numbers_visible_to(user=getattr(request, "user", None)):
            return text
        return mask_resident_ids_in_text(text)


class FileSubjectSerializer(serializers.Serializer):
    code = VisibleSubjectCodeField(source="*")
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")


class FileGradeSerializer(serializers.Serializer):
    scheme = serializers.CharField(source="scheme.code")
    scheme_name = serializers.CharField(source="scheme.name")
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    grade = serializers.CharField(help_text=_("Empty: not graded."))
    as_of = serializers.DateField()
    basis = serializers.CharField()
    basis_display = serializers.CharField(source="get_basis_display")
    since = serializers.DateTimeField()
    reasons = serializers.ListField(child=serializers.CharField(), source="reason_texts")


class FileSanctionSerializer(serializers.Serializer):
    name = serializers.CharField(source="kind.name")
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class FileRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    document_number = serializers.CharField()
    decision_date = serializers.DateField()
    matter = VisibleTextField()
    content = VisibleTextField()
    severity = serializers.CharField()
    severity_display = serializers.CharField(source="get_severity_display")
    fine_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    sanctions = FileSanctionSerializer(many=True, source="sanctions.all")
    external_grade = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    under_objection = serializers.BooleanField()
    version = serializers.IntegerField()
    effective_at = serializers.DateTimeField(allow_null=True)
    publish_until = serializers.DateField(allow_null=True)


class FileListEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    list_type = serializers.CharField()
    list_type_display = serializers.CharField(source="get_list_type_display")
    level = serializers.CharField()
    level_display = serializers.CharField(source="get_level_display")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    authority = serializers.CharField()
    document_number = serializers.CharField()
    reason = VisibleTextField()
    listed_on = serializers.DateField()
    removed_on = serializers.DateField(allow_null=True)
    removal_reason = VisibleTextField()
    in_force = serializers.BooleanField(source="in_force_now")


class FileCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.CharField()
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    channel = serializers.CharField()
    channel_display = serializers.CharField(source="get_channel_display")
    signed_at = serializers.DateTimeField()
    missing_materials = VisibleTextField()
    materials_due = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    decided_at = serializers.DateTimeField(allow_null=True)
    outcome_note = VisibleTextField()


class FileRepairApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record_kind_name = serializers.CharField(source="record.kind.name")
    record_document_number = serializers.CharField(source="record.document_number")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    channel = serializers.CharField()
    channel_display = serializers.CharField(source="get_channel_display")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = VisibleTextField()


class FilePersonSerializer(serializers.Serializer):
    name = serializers.CharField(default="")
    role = serializers.CharField(default="")
    position = serializers.CharField(default="")


class FileReminderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    method = serializers.CharField()
    method_display = serializers.CharField(source="get_method_display")
    interview_type = serializers.CharField()
    interview_type_display = serializers.CharField(source="get_interview_type_display")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    registered_by = serializers.SerializerMethodField()
    registered_at = serializers.DateTimeField(allow_null=True)
    held_at = serializers.DateTimeField(allow_null=True)
    place = VisibleTextField()
    content = VisibleTextField()
    persons = FilePersonSerializer(many=True)
    record_document_number = serializers.SerializerMethodField()
    follow_up_of = serializers.IntegerField(source="follow_up_of_id", allow_null=True)
    rectification_deadline = serializers.DateField(allow_null=True)
    rectified_on = serializers.DateField(allow_null=True)
    rectification_note = VisibleTextField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")

    def get_registered_by(self, obj) -> str:
        return str(obj.registered_by) if obj.registered_by_id else ""

    def get_record_document_number(self, obj) -> str:
        return obj.record.document_number if obj.record_id else ""


class FileRecordSectionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = FileRecordSerializer(many=True)


class FileListEntrySectionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = FileListEntrySerializer(many=True)


class FileCommitmentSectionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = FileCommitmentSerializer(many=True)


class FileRepairApplicationSectionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = FileRepairApplicationSerializer(many=True)


class FileReminderSectionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = FileReminderSerializer(many=True)


class CreditFileOutputSerializer(serializers.Serializer):
    """Each section: ``count`` of all there is, ``results`` the latest ones (at most the section limit
    of the view), newest first."""

    subject = FileSubjectSerializer()
    purpose = serializers.CharField()
    purpose_display = serializers.CharField()
    purpose_detail = serializers.CharField()
    grades = FileGradeSerializer(many=True)
    records = FileRecordSectionSerializer()
    list_entries = FileListEntrySectionSerializer()
    commitments = FileCommitmentSectionSerializer()
    repair_applications = FileRepairApplicationSectionSerializer()
    reminders = FileReminderSectionSerializer()
