"""Forms only collect input; the repair services validate it (eligibility, proof files, reasons)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProofKind

PROOF_FIELD_PREFIX = "proof_"


class RepairApplicationForm(forms.Form):
    statement = forms.CharField(
        label=_("How the behaviour was corrected"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Say what was done to correct the behaviour and remove its effects."),
    )
    contact = forms.CharField(label=_("Contact person and phone"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ProofKind.choices:
            self.fields[PROOF_FIELD_PREFIX + kind] = forms.FileField(
                label=label,
                required=False,
                help_text=_("PDF, image, OFD or office file; at most 10 MB.")
                if kind == ProofKind.COMMITMENT
                else "",
            )

    def proofs(self) -> list[tuple[str, object]]:
        return [
            (kind, self.cleaned_data[PROOF_FIELD_PREFIX + kind])
            for kind in ProofKind.values
            if self.cleaned_data.get(PROOF_FIELD_PREFIX + kind)
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons given"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
