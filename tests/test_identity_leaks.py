"""No page or API shows an identity number, or a complainant, to a role that may not see it (SPEC §6,
000 Art. 13; issue 13). The sibling of ``tests/objections/test_isolation.py``: every URL pattern of
the project, filled with the ids and codes of a world where natural persons stand behind every kind of
object (records, complaints, objections, measures, reminders, repair, commitments, lists, an import
with rejected rows, a company's legal representative), fetched as every role — anonymous, a natural
person's own account, a company's account, each department's clerk and reviewer, the credit office —
and every answer (HTML, JSON, spreadsheets unpacked, redirects) scanned for a whole identity number
that role may not see. Zero allowed.

Who may see a natural person's number whole (``subjects.permissions.can_see_full_code``): the credit
office, department reviewers and the person's own account. The complainant: the credit office and the
reviewers of the record's department (``records.permissions.can_see_complainant``).

Admin pages are left to the isolation test: only the credit office enters the admin, and it may see
every number and every complainant.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department, Role, User
from commitments.models import Commitment, CommitmentTemplate, VoluntaryEntry, VoluntaryFile
from commitments.services import commitment_sign, commitment_template_create, voluntary_register
from creditreports.services import credit_report_issue
from documents.models import Document
from grading.models import EvaluationRun, Grade
from grading.services import regrade_subjects
from inspections.models import Inspection, InspectionMatter, InspectionPlan, Inspector, InspectorConflict
from measures.department_lists import department_listings_settle, listing_approve, listing_propose
from measures.models import DepartmentListing, ListingFile, Measure, MeasureApplication
from measures.services import list_entry_add, measure_application_record
from objections.models import Objection, ObjectionEvidence, SubjectAccountRequest
from objections.services import objection_file, objection_reject
from records.evidence import evidence_attach
from records.importing import records_import
from records.models import CreditRecord, Evidence, ImportBatch, RecordKind
from records.services import record_approve, record_create, record_submit
from records.spreadsheets import GENERAL_COLUMNS
from reminders.models import Reminder
from reminders.services import reminders_sync
from repair.models import RepairApplication, RepairProof
from repair.services import repair_apply
from reports.models import YearlyReport
from reports.services import report_generate
from subjects.identifiers import validate_resident_id, validate_uscc
from subjects.models import Subject, SubjectAnswerer, SubjectKind
from subjects.services import subject_answerer_add
from tests.factories import make_company, make_person, make_resident_id, make_user
from tests.records.conftest import penalty_input
from tests.records.test_api import complaint_input

from .objections.test_isolation import PARAM, _routes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COMPLAINANT = ("举报人保密甲", "13712345678")
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _effective(clerk, reviewer, subject, **overrides) -> CreditRecord:
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    evidence_attach(actor=clerk, record=record, uploaded=pdf("证据.pdf"))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end (each test's own database
    transaction nests inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = _world()
        yield built
        transaction.set_rollback(True)


def _world() -> dict:
    fgw = Department.objects.get(code="fgw")
    users = {
        "fgw_clerk": make_user(Role.CLERK, "fgw"),
        "fgw_reviewer": make_user(Role.REVIEWER, "fgw"),
        "scjg_clerk": make_user(Role.CLERK, "scjg"),
        "scjg_reviewer": make_user(Role.REVIEWER, "scjg"),
        "credit_office": make_user(Role.CREDIT_OFFICE, "xyb"),
    }
    clerk, reviewer, office = users["fgw_clerk"], users["fgw_reviewer"], users["credit_office"]
    person = make_person("钱自然", make_resident_id("19700101"))
    listed = make_person("孙名单", make_resident_id("19710202"))
    complained = make_person("周被投", make_resident_id("19720303"))
    committed = make_person("吴承诺", make_resident_id("19730404"))
    firm = make_company("西峡县扫描测试有限公司", rep=(make_resident_id("19740505"), "郑法人"))
    users["person"] = make_user(Role.SUBJECT, None, subject=person)
    users["firm"] = make_user(Role.SUBJECT, None, subject=firm)

    # Records: an effective one of the person (minor: repairable at once), a draft, evidence, a complaint.
    record = _effective(clerk, reviewer, person, sanctions=[penalty_input().sanctions[0]])
    _effective(clerk, reviewer, firm, document_number="西发改罚〔2026〕2号")
    draft = record_create(
        actor=clerk, subject=person, data=penalty_input(document_number="西发改罚〔2026〕3号")
    )
    complaint = record_create(
        actor=clerk,
        subject=complained,
        data=complaint_input(complainant_name=COMPLAINANT[0], complainant_contact=COMPLAINANT[1]),
    )
    record_submit(actor=clerk, record=complaint)
    record_approve(actor=reviewer, record=complaint)
    draft_complaint = record_create(
        actor=clerk,
        subject=complained,
        data=complaint_input(
            document_number="西发改投〔2026〕8号",
            complainant_name=COMPLAINANT[0],
            complainant_contact=COMPLAINANT[1],
        ),
    )
    regrade_subjects(subject_ids=list(Subject.objects.values_list("pk", flat=True)))
    reminders_sync(subject_ids=[person.pk, complained.pk])

    # The person's own account objects, applies for repair and registers information.
    objection_file(actor=users["person"], record=record, reasons="不是本人", files=[pdf("异议证据.pdf")])
    # A decided one too, so that its decision letter is scanned.
    on_grade = objection_file(
        actor=users["person"],
        grade=Grade.objects.filter(subject=person, is_current=True).first(),
        reasons="评价有误",
    )
    objection_reject(actor=office, objection=on_grade, reason="评价无误")
    repair_apply(
        actor=users["person"], record=record, statement="已整改。", proofs=[("commitment", pdf("承诺.pdf"))]
    )
    voluntary_register(
        actor=users["person"],
        department=fgw,
        category="certificate",
        title="职业资格证书",
        truthful=True,
        files=[pdf("证书.pdf")],
    )
    measure_application_record(
        actor=clerk,
        measure=Measure.objects.filter(is_active=True).first(),
        subject=person,
        applied_on=timezone.localdate(),
        outcome=MeasureApplication.Outcome.APPLIED,
    )
    template = commitment_template_create(
        actor=clerk, matter="扫描事项", title="信用承诺书", text="本人承诺……"
    )
    commitment_sign(actor=clerk, template=template, subject=committed)
    red = make_person("陈红榜", make_resident_id("19770808"))
    for list_type, subject in (("black", listed), ("red", red)):
        list_entry_add(
            actor=office,
            list_type=list_type,
            subject=subject,
            reason="扫描测试",
            authority="西峡县人民法院",
            listed_on=timezone.localdate() - datetime.timedelta(days=2),
        )

    # A department's own black list (SPEC §3.6): the person told and heard, another person in force.
    fgw_listed = make_person("何部门", make_resident_id("19780909"))
    for subject, told_on in (
        (person, timezone.localdate()),
        (fgw_listed, timezone.localdate() - datetime.timedelta(days=20)),
    ):
        listing = listing_propose(
            actor=clerk,
            subject=subject,
            list_type="black",
            reason="扫描测试",
            document_number=f"西发改黑〔2026〕{subject.pk}号",
            decision_date=timezone.localdate() - datetime.timedelta(days=21),
            ends_on=timezone.localdate() + datetime.timedelta(days=300),
            hearing_days=5,
            decision_file=pdf("决定书.pdf"),
        )
        listing_approve(actor=users["fgw_reviewer"], listing=listing, today=told_on)
    department_listings_settle()

    # A file the reviewer uploaded, with rows rejected: numbers of people not (yet) registered.
    unregistered = [make_resident_id("19750606"), make_resident_id("19760707")]
    rows = [
        f"王未登,自然人,{unregistered[0]},警告,西发改〔2026〕9号,2099-01-01,,,,备注{unregistered[1]}",
        f"冯未登,自然人,{unregistered[1][:-1]}{'1' if unregistered[1][-1] != '1' else '2'},警告,"
        "西发改〔2026〕10号,2026-03-02,,,,违规",
    ]
    content = "\n".join([",".join(GENERAL_COLUMNS)] + rows).encode("utf-8-sig")
    records_import(content=content, file_name="扫描.csv", department=fgw, actor=reviewer)
    # A drawn random-inspection plan over every graded subject, a person among them, a conflict
    # declared with a person, and a failed result.
    from inspections import services as inspections

    regrade_subjects(subject_ids=list(Subject.objects.values_list("pk", flat=True)))
    scjg_clerk = users["scjg_clerk"]
    matter = inspections.matter_save(actor=scjg_clerk, name="扫描抽查事项", legal_basis="扫描依据")
    pool = [
        inspections.inspector_save(actor=scjg_clerk, name=f"扫描员{i}", certificate_number=f"99000{i}")
        for i in range(4)
    ]
    inspections.conflict_declare(actor=scjg_clerk, inspector=pool[0], subject_code=person.code, reason="亲属")
    year_now = timezone.localdate().year
    plan = inspections.plan_create(
        actor=scjg_clerk,
        title="扫描计划",
        matters=[matter],
        year=year_now,
        period_start=datetime.date(year_now, 1, 1),
        period_end=datetime.date(year_now, 12, 31),
        ratios={g: "1" for g in ("B", "C", "C-", "D", "D-")},
    )
    plan = inspections.plan_draw(
        actor=scjg_clerk, plan=inspections.plan_announce(actor=scjg_clerk, plan=plan)
    )
    for number, inspection in enumerate(plan.inspections.all()[:2], start=1):
        inspections.inspection_result_enter(
            actor=scjg_clerk,
            inspection=inspection,
            outcome="failed",
            inspected_on=timezone.localdate(),
            findings="扫描发现",
            document_number=f"西市监检〔2026〕{number}号",
        )
    report_generate(actor=office, year=timezone.localdate().year)
    # A person who answers for the firm as its actual controller (004 §6(5)).
    subject_answerer_add(
        actor=office, subject=firm, role="actual_controller", id_number=listed.code, reason="扫描测试"
    )
    # Issued documents about a person: the public check shows them masked.
    for full in (False, True):
        credit_report_issue(subject=person, full=full)

    numbers = set(
        Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON).values_list("code", flat=True)
    ) | set(unregistered)
    assert draft.pk and draft_complaint.pk
    return {"users": users, "numbers": numbers, "person": person}


def _args(world) -> dict[str, list[tuple]]:
    """The values each route is tried with: every object of the route's kind in the world."""

    def ids(model, **filters):
        return [(pk,) for pk in model.objects.filter(**filters).values_list("pk", flat=True)]

    codes = [(code,) for code in Subject.objects.values_list("code", flat=True)]
    year = timezone.localdate().year
    pairs = {
        "evidence": [(e.record_id, e.pk) for e in Evidence.objects.all()],
        "proofs": [(p.application_id, p.pk) for p in RepairProof.objects.all()],
        "files": [(f.entry_id, f.pk) for f in VoluntaryFile.objects.all()],
        "objection_evidence": [(e.objection_id, e.pk) for e in ObjectionEvidence.objects.all()],
        "listing_files": [(f.listing_id, f.pk) for f in ListingFile.objects.all()],
    }
    records = ids(CreditRecord)
    documents = [(number,) for number in Document.objects.values_list("number", flat=True)]
    return {
        "subjects/<int:pk>/": ids(Subject),
        # A link from a reset mail; an invalid one shows the page that says so.
        "accounts/password/reset/<uidb64>/<token>/": [("MQ", "invalid-token")],
        "accounts/users/<int:pk>/security/": ids(User),
        "portal/register/activate/<str:uidb64>/<str:token>/": [("MQ", "invalid-token")],
        "subjects/<int:pk>/edit/": ids(Subject),
        "records/new/<slug:kind_code>/": [(c,) for c in RecordKind.objects.values_list("code", flat=True)],
        "records/import/<int:pk>/": ids(ImportBatch),
        "records/import/<int:pk>/errors.xlsx": ids(ImportBatch),
        "records/templates/<slug:template>.xlsx": [("general",), ("penalty",)],
        "records/<int:pk>/": records,
        "records/<int:pk>/edit/": records,
        "records/<int:pk>/correct/": records,
        "records/<int:pk>/evidence/<int:evidence_pk>/": pairs["evidence"],
        "reminders/<int:pk>/": ids(Reminder),
        "reminders/<int:pk>/letter/": ids(Reminder),
        "repair/apply/<int:record_pk>/": records,
        "repair/<int:pk>/": ids(RepairApplication),
        "repair/<int:pk>/proofs/<int:proof_pk>/": pairs["proofs"],
        "commitments/templates/<int:pk>/edit/": ids(CommitmentTemplate),
        "commitments/sign/<int:template_pk>/": ids(CommitmentTemplate),
        "commitments/<int:pk>/": ids(Commitment),
        "commitments/<int:pk>/fulfil/": ids(Commitment),
        "commitments/<int:pk>/breach/": ids(Commitment),
        "commitments/voluntary/<int:pk>/": ids(VoluntaryEntry),
        "commitments/voluntary/<int:pk>/files/<int:file_pk>/": pairs["files"],
        "portal/records/<int:pk>/object/": records,
        "portal/grades/<int:pk>/object/": ids(Grade),
        "objections/accounts/<int:pk>/<slug:action>/": [
            (pk, "verify") for (pk,) in ids(SubjectAccountRequest)
        ],
        "objections/<int:pk>/": ids(Objection),
        "objections/<int:pk>/evidence/<int:evidence_pk>/": pairs["objection_evidence"],
        "objections/<int:pk>/receipt/": ids(Objection),
        # Only a decided objection has a letter; the others answer 404.
        "objections/<int:pk>/decision/": ids(Objection),
        "api/subjects/<str:code>/": codes,
        "api/records/<int:pk>/": records,
        "api/public/subjects/<str:code>/": codes,
        "public/subjects/<str:code>/": codes,
        "api/repair/<int:pk>/": ids(RepairApplication),
        "api/objections/<int:pk>/": ids(Objection),
        "reports/files/<int:pk>/": ids(YearlyReport),
        "reports/shared/<int:pk>.xlsx": ids(EvaluationRun),
        "reports/<int:year>/": [(year,)],
        "reports/<int:year>/summary.xlsx": [(year,)],
        "reports/<int:year>/quality/": [(year,)],
        "reports/<int:year>/quality/<slug:code>/": [(year, "fgw")],
        "grading/runs/<int:pk>/": ids(EvaluationRun),
        "grading/runs/<int:pk>/publish/": ids(EvaluationRun)[:1],
        "grading/runs/<int:pk>/adjust/": ids(EvaluationRun)[:1],
        "reports/<int:year>/<slug:code>/": [(year, "fgw")],
        "reports/<int:year>/<slug:code>/summary.xlsx": [(year, "fgw")],
        "measures/subjects/<int:pk>/": ids(Subject),
        # The credit file: the purpose form, and the file (which asks for the purpose first).
        "credit-files/<int:pk>/": ids(Subject),
        "credit-files/<int:pk>/file/": ids(Subject),
        "api/subjects/<str:code>/file/": codes,
        "measures/lists/<int:pk>/": ids(DepartmentListing),
        "measures/lists/<int:pk>/edit/": ids(DepartmentListing),
        "measures/lists/<int:pk>/files/<int:file_pk>/": pairs["listing_files"],
        "portal/lists/<int:pk>/": ids(DepartmentListing),
        "portal/lists/<int:pk>/files/<int:file_pk>/": pairs["listing_files"],
        # Routes that only act (POST) answer a GET with 405; one object each is enough.
        "records/<int:pk>/<slug:action>/": [(records[0][0], "submit")],
        "reminders/<int:pk>/<slug:action>/": [(pk, "register") for (pk,) in ids(Reminder)[:1]],
        "repair/<int:pk>/<slug:action>/": [(pk, "accept") for (pk,) in ids(RepairApplication)[:1]],
        "commitments/voluntary/<int:pk>/<slug:action>/": [
            (pk, "verify") for (pk,) in ids(VoluntaryEntry)[:1]
        ],
        "portal/link/requests/<int:pk>/<slug:action>/": [
            (pk, "approve") for (pk,) in ids(SubjectAccountRequest)[:1]
        ],
        "objections/<int:pk>/<slug:action>/": [(pk, "accept") for (pk,) in ids(Objection)[:1]],
        "measures/lists/<int:pk>/<slug:action>/": [(pk, "approve") for (pk,) in ids(DepartmentListing)[:1]],
        "api/records/<int:pk>/submit/": records[:1],
        "api/records/<int:pk>/approve/": records[:1],
        "api/records/<int:pk>/return/": records[:1],
        "api/records/<int:pk>/revoke/": records[:1],
        "api/records/<int:pk>/repair/": records[:1],
        "api/objections/<int:pk>/accept/": ids(Objection)[:1],
        "api/objections/<int:pk>/request-material/": ids(Objection)[:1],
        "api/objections/<int:pk>/decide/": ids(Objection)[:1],
        "api/objections/<int:pk>/answer/": ids(Objection)[:1],
        "inspections/matters/<int:pk>/edit/": ids(InspectionMatter),
        "inspections/inspectors/<int:pk>/": ids(Inspector),
        "inspections/conflicts/<int:pk>/withdraw/": ids(InspectorConflict)[:1],
        "inspections/plans/<int:pk>/": ids(InspectionPlan),
        "inspections/plans/<int:pk>/edit/": ids(InspectionPlan),
        "inspections/plans/<int:pk>/<slug:action>/": [(pk, "draw") for (pk,) in ids(InspectionPlan)[:1]],
        "inspections/results/<int:pk>/": ids(Inspection),
        "inspections/public/<int:pk>/": ids(InspectionPlan),
        "inspections/public/<int:pk>/draw.json.gz": ids(InspectionPlan),
        # The public check of issued documents (SPEC §7), and the staff download (POST only).
        "verify/<str:number>/": documents,
        "api/public/documents/<str:number>/": documents,
        "api/public/documents/<str:number>/check/": documents[:1],
        "credit-reports/subjects/<int:pk>/": ids(Subject)[:1],
        "subjects/<int:pk>/answerers/": ids(Subject)[:1],
        "subjects/<int:pk>/answerers/<int:answerer_pk>/end/": [
            (a.subject_id, a.pk) for a in SubjectAnswerer.objects.all()
        ],
        # Letters as PDF documents (issued on the first download).
        "objections/<int:pk>/receipt.pdf": ids(Objection),
        "objections/<int:pk>/decision.pdf": ids(Objection),
        "reminders/<int:pk>/letter.pdf": ids(Reminder),
        "repair/<int:pk>/decision.pdf": ids(RepairApplication),
        "commitments/<int:pk>/commitment.pdf": ids(Commitment),
    }


SKIPPED = (
    "accounts/logout/",  # would end the session the scan is about
    # Generated from the code, never from data.
    "api/schema/",
    "api/docs/",
)


def _urls(world) -> list[str]:
    args = _args(world)
    urls = []
    for route in _routes():
        if route.startswith("admin/") or route in SKIPPED:
            continue
        if not PARAM.search(route):
            urls.append("/" + route)
            continue
        assert route in args, f"the scan does not know how to fill {route}: add it to _args"
        for values in args[route]:
            url = route
            for value in values:
                url = PARAM.sub(str(value), url, count=1)
            urls.append("/" + url)
    return urls


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # a spreadsheet: the cells are in the XML parts
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    return body.decode("utf-8", errors="replace") + "\n" + response.get("Location", "")


def _identity_numbers(text: str) -> set[str]:
    """Every whole identity number in ``text`` (a valid one, or one the world knows), not an
    organisation's code."""
    found = set()
    for token in ID_LIKE.findall(text):
        token = token.upper()
        try:
            validate_uscc(token)
            continue
        except Exception:  # noqa: BLE001 - not an organisation's code
            pass
        try:
            validate_resident_id(token)
        except Exception:  # noqa: BLE001
            continue
        found.add(token)
    return found


ROLES = [
    "anonymous",
    "person",
    "firm",
    "fgw_clerk",
    "fgw_reviewer",
    "scjg_clerk",
    "scjg_reviewer",
    "credit_office",
]


def _allowed(role: str, world) -> tuple[set[str], bool]:
    """The numbers ``role`` may see whole, and whether it may see the fgw complainant."""
    if role in ("credit_office", "fgw_reviewer", "scjg_reviewer"):
        return world["numbers"], role in ("credit_office", "fgw_reviewer")
    if role == "person":
        return {world["person"].code}, False
    return set(), False


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_api_shows_an_identity_number_a_role_may_not_see(db, client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    allowed, sees_complainant = _allowed(role, world)
    leaks, seen, complainant_seen, read, tried = [], set(), False, 0, 0
    for url in _urls(world):
        response = client.get(url, follow=False)
        tried += 1
        assert response.status_code < 500, (url, response.status_code)
        text = _text(response)
        read += response.status_code == 200
        found = _identity_numbers(text) | (world["numbers"] & {t.upper() for t in ID_LIKE.findall(text)})
        seen |= found
        leaks += [(url, response.status_code, number) for number in sorted(found - allowed)]
        complainant_seen = complainant_seen or COMPLAINANT[0] in text
        if not sees_complainant:
            leaks += [(url, response.status_code, secret) for secret in COMPLAINANT if secret in text]
    assert not leaks, "\n".join(map(str, leaks))
    assert tried > 80 and read > 10, (tried, read)
    if role == "credit_office":
        # The scan is not blind: where a role may see them, the pages do show numbers and complainant.
        assert world["person"].code in seen and complainant_seen
        assert len(seen & world["numbers"]) >= 4, seen


STAFF_ROLES = ["fgw_clerk", "fgw_reviewer", "scjg_clerk", "scjg_reviewer", "credit_office"]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_credit_file_shows_no_identity_number_a_role_may_not_see_and_no_complainant(
    db, client, world, role
):
    """The scan above reaches the credit file only up to its purpose form; here every subject's file
    is opened with a purpose, on the page and in the API. The complainant is in no one's file (000
    Art. 13), the credit office's included: the file is shared across departments."""
    client.force_login(world["users"][role])
    allowed, _sees_complainant = _allowed(role, world)
    leaks, seen, opened = [], set(), 0
    for subject in Subject.objects.order_by("pk"):
        opening = client.post(reverse("creditfile:open", args=[subject.pk]), {"purpose": "supervision"})
        assert opening.status_code == 302, (subject.pk, opening.status_code)
        page = client.get(opening["Location"])
        api = client.get(reverse("api-subject-credit-file", args=[subject.code]), {"purpose": "inspection"})
        for response in (page, api):
            assert response.status_code == 200, (subject.pk, response.status_code)
            text = _text(response)
            found = _identity_numbers(text) | (world["numbers"] & {t.upper() for t in ID_LIKE.findall(text)})
            seen |= found
            leaks += [(subject.pk, number) for number in sorted(found - allowed)]
            leaks += [(subject.pk, secret) for secret in COMPLAINANT if secret in text]
        opened += 1
    assert not leaks, "\n".join(map(str, leaks))
    assert opened >= 5
    if role == "credit_office":
        assert world["person"].code in seen  # the scan is not blind
