from rest_framework import serializers

from subjects.models import Subject, SubjectKind
from subjects.selectors import subject_visible_code


class SubjectOutputSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    legal_representative = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["code", "name", "kind", "kind_display", "legal_representative", "address", "created_at"]

    def _user(self):
        return self.context["request"].user

    def get_code(self, obj: Subject) -> str:
        return subject_visible_code(user=self._user(), subject=obj)

    def get_legal_representative(self, obj: Subject) -> dict | None:
        rep = obj.legal_representative
        if rep is None:
            return None
        return {"name": rep.name, "code": subject_visible_code(user=self._user(), subject=rep)}


class SubjectRegisterInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubjectKind.choices)
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    legal_representative_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    legal_representative_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
