"""Output serializers of the repair API. Status and channel are plain strings with their labels next to
them, so the schema names no enum that could collide with another app's."""

from rest_framework import serializers

from subjects.selectors import subject_visible_code

from ..models import RepairApplication, RepairProof, RepairTransition


class RepairTransitionOutputSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    actor = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = RepairTransition
        fields = ["from_status", "to_status", "actor", "reason", "at"]
        read_only_fields = fields


class RepairProofOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = RepairProof
        fields = ["id", "kind", "original_name", "size", "uploaded_at"]
        read_only_fields = fields


class RepairApplicationOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel = serializers.CharField(read_only=True)
    subject_code = serializers.SerializerMethodField()
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    record_id = serializers.IntegerField(read_only=True)
    document_number = serializers.CharField(source="record.document_number", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = RepairApplication
        fields = [
            "id",
            "status",
            "status_label",
            "channel",
            "subject_code",
            "subject_name",
            "record_id",
            "document_number",
            "department",
            "submitted_at",
            "due_on",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields

    def get_subject_code(self, obj: RepairApplication) -> str:
        return subject_visible_code(user=self.context["request"].user, subject=obj.subject)


class RepairApplicationDetailOutputSerializer(RepairApplicationOutputSerializer):
    proofs = RepairProofOutputSerializer(many=True, read_only=True)
    transitions = RepairTransitionOutputSerializer(many=True, read_only=True)

    class Meta(RepairApplicationOutputSerializer.Meta):
        fields = RepairApplicationOutputSerializer.Meta.fields + ["statement", "proofs", "transitions"]
        read_only_fields = fields
