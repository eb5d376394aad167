"""The form that opens a subject's credit file: the purpose, picked from the list or typed out (004
§4(2) 按需共享). Checked by ``accesslog.services.access_purpose_clean``, as the API's is."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accesslog.models import PURPOSE_DETAIL_MAX, AccessPurpose
from accesslog.services import access_purpose_clean


class CreditFilePurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", "—")] + list(AccessPurpose.choices),
        error_messages={
            "required": _("Choose the purpose for which you open the credit file."),
            "invalid_choice": _("Choose one of the listed purposes."),
        },
    )
    purpose_detail = forms.CharField(
        label=_("Purpose in your words"),
        required=False,
        # The length is checked by the service, after spaces are collapsed, with its own message.
        widget=forms.TextInput(attrs={"maxlength": PURPOSE_DETAIL_MAX, "autocomplete": "off"}),
        help_text=_("Required for “Other”; otherwise, for example, the number of the matter handled."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["purpose"], data["purpose_detail"] = access_purpose_clean(
                purpose=data.get("purpose", ""), detail=data.get("purpose_detail", "")
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field, messages)
        return data
