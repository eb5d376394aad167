"""A subject's code in an API answer, as the asking user may see it (SPEC §6): the one field every API
uses for it, so an identity number is masked by the same rule (``subject_visible_code``) everywhere."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subjects.selectors import subject_visible_code


@extend_schema_field(OpenApiTypes.STR)
class VisibleSubjectCodeField(serializers.Field):
    """Read-only; ``source`` names the subject (``source="subject"``). Without a request in the
    serializer's context nobody is known to be entitled, so a natural person's number is masked."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, subject) -> str:
        request = self.context.get("request")
        return subject_visible_code(user=getattr(request, "user", None), subject=subject)
