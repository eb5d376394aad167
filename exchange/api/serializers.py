from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class PulldownItemSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("The platform's id of the item."))
    type = serializers.CharField(help_text=_("national_evaluation or list.entry"))
    payload = serializers.DictField()


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
