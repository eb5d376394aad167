from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Document
from ..services import document_holder_shown, verify_url


class PublicDocumentSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    issued_for = serializers.SerializerMethodField(help_text=_("The subject; a natural person masked."))
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "number",
            "kind",
            "kind_name",
            "title",
            "office",
            "issued_at",
            "sha256",
            "size",
            "issued_for",
            "verify_url",
        ]

    def get_issued_for(self, obj: Document) -> str:
        return document_holder_shown(obj)

    def get_verify_url(self, obj: Document) -> str:
        return verify_url(obj.number)


class DocumentCheckInputSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text=_("The file held, to compare byte for byte."))
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=_("The verification code printed on the document."),
    )


class DocumentCheckSerializer(serializers.Serializer):
    document = PublicDocumentSerializer()
    file_matches = serializers.BooleanField(allow_null=True)
    code_matches = serializers.BooleanField(allow_null=True)
    stated = serializers.JSONField(
        allow_null=True,
        help_text=_("What the document stated; shown only when the file or the code matched."),
    )
