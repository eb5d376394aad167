"""Input and output serializers of the measures API. Inputs check shapes only; the rules live in
``measures.services``, which the views call, so the API refuses what the web pages refuse."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subjects.api.fields import VisibleSubjectCodeField

from ..models import Measure, MeasureApplication, MeasureCategory, MeasureKind


@extend_schema_field({"type": "string", "enum": list(MeasureKind.values)}, component_name="MeasureKindEnum")
class MeasureKindField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "string", "enum": list(MeasureCategory.values)}, component_name="MeasureCategoryEnum"
)
class MeasureCategoryField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "string", "enum": list(MeasureApplication.Outcome.values)},
    component_name="MeasureApplicationOutcomeEnum",
)
class OutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MeasureApplication.Outcome.choices, **kwargs)


class ApplicableMeasureOutputSerializer(serializers.Serializer):
    """One measure that applies to the subject now — the object ``manage.py measures`` prints."""

    measure_code = serializers.CharField()
    measure_name = serializers.CharField()
    kind = MeasureKindField()
    category = MeasureCategoryField()
    scheme = serializers.CharField(allow_null=True, help_text=_("Scheme code; null for a list measure."))
    scheme_name = serializers.CharField(allow_null=True)
    grade = serializers.CharField(allow_null=True)
    grade_department = serializers.CharField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    list = serializers.CharField(allow_null=True, help_text=_("red or black when a listing brings it."))
    list_name = serializers.CharField(
        allow_null=True, help_text=_("The list's name: the county's, or the deciding department's own.")
    )
    list_authority = serializers.CharField(allow_null=True)
    listed_on = serializers.DateField(allow_null=True)
    legal_basis = serializers.CharField()
    parameters = serializers.DictField(
        help_text=_("inspections_per_year: the random-inspection cap (0 exempt, null no cap).")
    )
    departments = serializers.ListField(child=serializers.CharField())
    extends_to_legal_representative = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    via_subject = serializers.CharField(
        allow_null=True, help_text=_("Code of the represented subject whose measure this is.")
    )
    via_subject_name = serializers.CharField(allow_null=True)


class MeasureOutputSerializer(serializers.ModelSerializer):
    kind = MeasureKindField()
    category = MeasureCategoryField()
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    grades = serializers.ListField(child=serializers.CharField())
    parameters = serializers.DictField()

    class Meta:
        model = Measure
        fields = [
            "code",
            "name",
            "kind",
            "category",
            "description",
            "scheme",
            "grades",
            "list_type",
            "legal_basis",
            "departments",
            "extends_to_legal_representative",
            "parameters",
            "is_active",
        ]


class ApplicationOutputSerializer(serializers.ModelSerializer):
    measure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    subject_code = VisibleSubjectCodeField(source="subject")
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    outcome = OutcomeField()

    class Meta:
        model = MeasureApplication
        fields = [
            "id",
            "measure",
            "measure_name",
            "subject_code",
            "subject_name",
            "department",
            "applied_on",
            "matter",
            "outcome",
            "outcome_note",
            "created_at",
        ]


class ApplicationInputSerializer(serializers.Serializer):
    measure = serializers.CharField(max_length=60, help_text=_("Measure code."))
    subject = serializers.CharField(max_length=40, help_text=_("Subject code."))
    department = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("Department code (credit office only).")
    )
    applied_on = serializers.DateField()
    outcome = OutcomeField()
    matter = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outcome_note = serializers.CharField(required=False, allow_blank=True)


class ApplicationCountOutputSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM"))
    measure_code = serializers.CharField()
    measure_name = serializers.CharField()
    kind = MeasureKindField()
    department_code = serializers.CharField()
    department_name = serializers.CharField()
    count = serializers.IntegerField()


class PulldownInputSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class PulldownRejectedSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    id = serializers.CharField()
    error = serializers.CharField()


class PulldownOutputSerializer(serializers.Serializer):
    national_created = serializers.IntegerField()
    national_duplicates = serializers.IntegerField()
    lists_added = serializers.IntegerField()
    lists_existing = serializers.IntegerField()
    lists_removed = serializers.IntegerField()
    rejected = PulldownRejectedSerializer(many=True)
