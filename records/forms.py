"""Forms only collect input; ``record_clean`` and the services validate it, for every entry path.

The record form shows only what its kind needs (001 Art. 9: sanctions only for penalties; 000
Art. 13: a complainant only on complaints; the licence's fields only on an administrative licence,
004 §4(3))."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.models import SubjectKind

from .models import LicenceCategory, LicenceStatus, Polarity, RecordKind, SanctionKind, Severity
from .validation import LicenceInput, RecordInput, SanctionInput


class DateInput(forms.DateInput):
    input_type = "date"


class RecordForm(forms.Form):
    subject_code = forms.CharField(
        label=_("Subject code"),
        max_length=40,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    subject_kind = forms.ChoiceField(
        label=_("Subject kind (for a subject not yet registered)"),
        required=False,
        choices=[("", "—")] + list(SubjectKind.choices),
    )
    subject_name = forms.CharField(
        label=_("Subject name (for a subject not yet registered)"), max_length=200, required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput)
    matter = forms.CharField(label=_("Violation or matter"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("Derive from the sanctions or the kind"))] + list(Severity.choices),
    )
    severity_reason = forms.CharField(
        label=_("Reason for setting the severity by hand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    external_grade = forms.CharField(label=_("Grade given"), max_length=20, required=False)
    complainant_name = forms.CharField(
        label=_("Complainant (kept confidential)"), max_length=100, required=False
    )
    complainant_contact = forms.CharField(
        label=_("Complainant contact (kept confidential)"), max_length=100, required=False
    )
    # An administrative licence (双公示 行政许可); ``record_clean`` checks them (dates, category, code).
    licence_document_name = forms.CharField(
        label=_("Licence decision document"),
        max_length=200,
        required=False,
        help_text=_("e.g. 准予行政许可决定书"),
    )
    licence_category = forms.ChoiceField(
        label=_("Licence category"), required=False, choices=[("", "—")] + list(LicenceCategory.choices)
    )
    licence_category_note = forms.CharField(
        label=_("Which other category"), max_length=50, required=False, help_text=_("Only for “Other”.")
    )
    licence_certificate = forms.CharField(label=_("Licence certificate"), max_length=200, required=False)
    licence_number = forms.CharField(label=_("Licence number"), max_length=100, required=False)
    licence_valid_from = forms.DateField(
        label=_("Licence valid from"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: the decision date."),
    )
    licence_valid_to = forms.DateField(
        label=_("Licence valid to"),
        widget=DateInput,
        required=False,
        help_text=_("2099-12-31 for a licence without end. The licence is published until this day."),
    )
    licence_authority = forms.CharField(
        label=_("Licensing authority"),
        max_length=200,
        required=False,
        help_text=_("Empty: your department."),
    )
    licence_authority_code = forms.CharField(
        label=_("Licensing authority's unified social credit code"), max_length=18, required=False
    )
    licence_status = forms.ChoiceField(
        label=_("Licence status"),
        choices=LicenceStatus.choices,
        initial=LicenceStatus.VALID,
        help_text=_("An invalid licence (revoked, cancelled) is not published."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image, Word, Excel or OFD, at most 10 MB."),
    )

    def __init__(
        self,
        *args,
        kind: RecordKind,
        with_subject: bool = True,
        stored_complainant: tuple[str, str] | None = None,
        **kwargs,
    ):
        """``stored_complainant``: the complainant on file, for an editor who may not see it (000
        Art. 13): the fields start empty, and left empty they keep what is stored."""
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.stored_complainant = stored_complainant
        drop = set()
        if not with_subject:
            drop |= {"subject_code", "subject_kind", "subject_name"}
        if kind.polarity != Polarity.NEGATIVE:
            drop |= {"severity", "severity_reason"}
        if not kind.has_external_grade:
            drop.add("external_grade")
        elif kind.external_grade_choices:
            # 000/001 Art. 4: a result from the kind's scale, which the grading rules name.
            self.fields["external_grade"] = forms.ChoiceField(
                label=_("Result"),
                required=False,
                choices=[("", "—")] + [(str(c), str(c)) for c in kind.external_grade_choices],
            )
        if not kind.has_complainant:
            drop |= {"complainant_name", "complainant_contact"}
        if kind.has_licence:
            # The matter of a licence is its certificate or content (record_clean); no legal basis column.
            drop |= {"matter", "legal_basis"}
            self.fields["content"].label = _("Licence content (what it permits)")
        else:
            drop |= set(LICENCE_FIELDS)
        if kind.polarity == Polarity.POSITIVE:
            self.fields["matter"].label = _("Commendation or matter")
        for name in drop:
            del self.fields[name]
        if kind.has_licence:
            # In the order of the 双公示 licence columns.
            self.order_fields(
                ["subject_code", "subject_kind", "subject_name", "licence_document_name", "document_number"]
                + [name for name in LICENCE_FIELDS if name.startswith(("licence_category", "licence_cert"))]
                + ["licence_number", "content", "decision_date"]
            )
        if stored_complainant is not None and "complainant_name" in self.fields and any(stored_complainant):
            for name in ("complainant_name", "complainant_contact"):
                self.fields[name].help_text = _(
                    "On file and kept confidential. Leave empty to keep it; enter a new value to replace it."
                )

    def record_input(self, sanctions: list[SanctionInput]) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(
            kind=self.kind.code,
            document_number=data["document_number"],
            decision_date=data["decision_date"],
            matter=data.get("matter", ""),
            content=data.get("content", ""),
            legal_basis=data.get("legal_basis", ""),
            sanctions=sanctions,
            severity=data.get("severity", ""),
            severity_reason=data.get("severity_reason", ""),
            external_grade=data.get("external_grade", ""),
            complainant_name=self._complainant("complainant_name", 0),
            complainant_contact=self._complainant("complainant_contact", 1),
            licence=self._licence() if self.kind.has_licence else None,
        )

    def _licence(self) -> LicenceInput:
        data = self.cleaned_data
        return LicenceInput(
            category=data.get("licence_category", ""),
            category_note=data.get("licence_category_note", ""),
            document_name=data.get("licence_document_name", ""),
            certificate=data.get("licence_certificate", ""),
            number=data.get("licence_number", ""),
            valid_from=data.get("licence_valid_from"),
            valid_to=data.get("licence_valid_to"),
            authority=data.get("licence_authority", ""),
            authority_code=data.get("licence_authority_code", ""),
            status=data.get("licence_status", ""),
        )

    def _complainant(self, name: str, index: int) -> str:
        value = self.cleaned_data.get(name, "")
        if not value and self.stored_complainant is not None:
            return self.stored_complainant[index]
        return value


class SanctionForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Sanction"), queryset=SanctionKind.objects.all(), required=False)
    fine_amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    detail = forms.CharField(label=_("Detail"), max_length=255, required=False)


SanctionFormSet = forms.formset_factory(SanctionForm, extra=3, max_num=10)


def sanctions_from(formset) -> list[SanctionInput]:
    return [
        SanctionInput(
            kind=form.cleaned_data["kind"].code,
            fine_amount=form.cleaned_data.get("fine_amount"),
            detail=form.cleaned_data.get("detail", ""),
        )
        for form in formset.forms
        if form.cleaned_data.get("kind")
    ]


def sanction_initial(record) -> list[dict]:
    return [
        {"kind": s.kind, "fine_amount": s.fine_amount, "detail": s.detail} for s in record.sanctions.all()
    ]


LICENCE_FIELDS = (
    "licence_document_name",
    "licence_category",
    "licence_category_note",
    "licence_certificate",
    "licence_number",
    "licence_valid_from",
    "licence_valid_to",
    "licence_authority",
    "licence_authority_code",
    "licence_status",
)


def record_initial(record, *, with_complainant: bool = True) -> dict:
    """The form's initial values; the complainant (000 Art. 13) only for an editor who may see it."""
    initial = {
        "document_number": record.document_number,
        "decision_date": record.decision_date,
        "matter": record.matter,
        "content": record.content,
        "legal_basis": record.legal_basis,
        "severity": record.severity if record.severity_source == "manual" else "",
        "severity_reason": record.severity_reason,
        "external_grade": record.external_grade,
    }
    if record.kind.has_licence:
        initial.update({name: getattr(record, name) for name in LICENCE_FIELDS})
    if with_complainant:
        initial["complainant_name"] = record.complainant_name
        initial["complainant_contact"] = record.complainant_contact
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
