"""A department's own red and black lists (002 §3(1), §4(3); SPEC §3.6): the procedure through the
services — four eyes, the subject told and heard before a black listing, the effect when the period
ends (beat task, or the first read) or after the statement is considered, the exits — and what a
listing counts in grading, the measures and the platform push."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Department, Role
from audit.models import AuditLog
from exchange.models import OutboxItem, OutboxType
from grading.models import Grade, Scheme
from grading.services import grades_compute, regrade_all, version_published
from measures.department_lists import (
    department_listings_settle,
    department_listings_settle_due,
    listing_approve,
    listing_consider,
    listing_news_mark_read,
    listing_propose,
    listing_remove,
    listing_resubmit,
    listing_return,
    listing_state_case,
    listing_withdraw,
)
from measures.models import (
    DepartmentListing,
    ListEntry,
    ListExit,
    ListingFile,
    ListingStatus,
    ListingTransition,
    ListScope,
)
from measures.selectors import (
    department_listing_news,
    department_listing_queue,
    department_listings_visible_to,
    list_entries_in_force,
    measures_applicable,
)
from measures.services import list_entry_add, list_entry_remove
from measures.tasks import department_listings_settle_task
from records.models import CreditRecord, RecordStatus
from tests.factories import make_company, make_person, make_user
from workcalendar.workdays import add_working_days

from .conftest import days_ago, effective_penalty, graded

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def zfbz_clerk(db):
    return make_user(Role.CLERK, "zfbz", username="zfbz-clerk", email="clerk@zfbz.example")


@pytest.fixture
def zfbz_reviewer(db):
    return make_user(Role.REVIEWER, "zfbz", username="zfbz-reviewer")


@pytest.fixture
def zfbz_reviewer_2(db):
    return make_user(Role.REVIEWER, "zfbz", username="zfbz-reviewer-2")


@pytest.fixture
def office(db):
    return make_user(Role.CREDIT_OFFICE, "xyb", username="xyb-lists", email="office@xyb.example")


def propose(actor, subject, list_type="black", **extra):
    values = dict(
        subject=subject,
        list_type=list_type,
        reason="以欺骗手段骗取保障性住房" if list_type == "black" else "诚信经营，保障房物业服务优良",
        document_number=f"武房{list_type}〔2026〕{DepartmentListing.objects.count() + 1}号",
        decision_date=days_ago(2),
        ends_on=today() + datetime.timedelta(days=365),
        hearing_days=5,
        decision_file=pdf(),
    )
    return listing_propose(actor=actor, **(values | extra))


def county_grade(subject) -> str:
    return Grade.objects.get(subject=subject, scheme__code="public", is_current=True).grade


def department_grade(subject, code: str) -> tuple[str, list]:
    """The subject's grade under the published ``abc`` version graded by department ``code``."""
    version = version_published(scheme=Scheme.objects.get(code="abc"))
    department = Department.objects.get(code=code)
    [(_subject_id, outcome)] = grades_compute(
        version=version, department=department, as_of=today(), subject_ids=[subject.pk]
    )
    return outcome.grade, outcome.reasons


def reasons_text(reasons) -> str:
    return str(reasons)


# --- the whole flow of a black listing ------------------------------------------------------------------


def test_a_black_listing_is_heard_then_takes_effect_when_the_period_ends(
    zfbz_clerk, zfbz_reviewer, office, regrading, mailoutbox
):
    firm = make_company("西峡县安居物业有限公司")
    with regrading():
        listing = propose(zfbz_clerk, firm)
    assert listing.status == ListingStatus.PROPOSED and listing.department.code == "zfbz"
    assert listing.files.get().role == ListingFile.Role.DECISION
    # The credit office is told: on its to-do, and by mail.
    assert [step.to_status for step in department_listing_news(user=office)] == [ListingStatus.PROPOSED]
    assert mailoutbox and mailoutbox[-1].to == ["office@xyb.example"] and "拟列入" in mailoutbox[-1].subject
    assert list(department_listing_queue(user=zfbz_reviewer)) == [listing]

    told_on = days_ago(20)
    listing = listing_approve(actor=zfbz_reviewer, listing=listing, today=told_on)
    assert listing.status == ListingStatus.HEARING
    assert listing.notified_on == told_on and listing.hearing_until == add_working_days(told_on, 5)
    # Not before: nothing is listed or counted while the subject may state its case.
    assert not ListEntry.objects.exists() and not CreditRecord.objects.filter(subject=firm).exists()
    with regrading():
        assert department_listings_settle(today=listing.hearing_until) == {
            "effective": 0,
            "expired": 0,
            "failed": 0,
        }
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HEARING
    graded([firm.pk])
    assert county_grade(firm) == "A"

    # The day after the period: in force, counted (D in the county evaluation, C in its own scheme).
    with regrading():
        assert department_listings_settle_task()["effective"] == 1
    listing.refresh_from_db()
    entry = listing.entry
    assert listing.status == ListingStatus.EFFECTIVE
    assert entry.scope == ListScope.DEPARTMENT and entry.department.code == "zfbz"
    assert entry.listed_on == listing.hearing_until + datetime.timedelta(days=1)
    assert entry.ends_on == listing.ends_on and entry.authority == "住房保障中心"
    assert entry.record.kind.code == "department_black_list" and entry.record.status == RecordStatus.EFFECTIVE
    assert entry.record.severity == "serious" and entry.record.department.code == "zfbz"
    assert county_grade(firm) == "D"
    grade, reasons = department_grade(firm, "zfbz")
    assert grade == "C" and listing.document_number in reasons_text(reasons)
    # Only in its own scheme: another department's grading under abc does not count it.
    assert department_grade(firm, "fgw")[0] == "A"
    assert [step.to_status for step in department_listing_news(user=office)] == [
        ListingStatus.EFFECTIVE,
        ListingStatus.PROPOSED,
    ]
    assert "已生效" in mailoutbox[-1].subject
    assert AuditLog.objects.filter(action="list.department_effective", actor=None).exists()
    # Once settled, running it again does nothing.
    assert department_listings_settle() == {"effective": 0, "expired": 0, "failed": 0}


def test_the_beat_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["measures-department-listings"]
    assert entry["task"] == "measures.department_listings_settle"
    assert department_listings_settle_task.name == "measures.department_listings_settle"


def test_a_read_brings_a_due_listing_into_effect_without_waiting_for_the_night(
    zfbz_clerk, zfbz_reviewer, regrading
):
    firm = make_company()
    listing = propose(zfbz_clerk, firm)
    department_listings_settle_due()  # the day is settled: nothing was due
    listing_approve(actor=zfbz_reviewer, listing=listing, today=days_ago(20))
    # Setting a period forgets the settled day: the next read looks again.
    with regrading():
        assert department_listings_settle_due() == {"effective": 1, "expired": 0, "failed": 0}
    assert [e.list_name for e in list_entries_in_force(subject_ids=[firm.pk])] == ["住房保障中心黑名单"]
    assert county_grade(firm) == "D"
    assert department_listings_settle_due() == {}  # the day is settled: no query, nothing done


# --- the statement (陈述申辩) ---------------------------------------------------------------------------


def test_a_statement_holds_the_listing_until_the_department_considers_it(
    zfbz_clerk, zfbz_reviewer, zfbz_reviewer_2, regrading
):
    firm = make_company()
    firm_user = make_user(Role.SUBJECT, None, username="anju", subject=firm)
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(1))
    stated = listing_state_case(
        actor=firm_user,
        listing=listing,
        statement="房屋系合法承租，已提交租赁合同。",
        files=[pdf("租赁合同.pdf")],
    )
    assert stated.status == ListingStatus.STATEMENT and stated.statement_by == firm_user
    assert stated.files.filter(role=ListingFile.Role.STATEMENT).count() == 1
    # A statement is made once.
    with pytest.raises(ValidationError):
        listing_state_case(actor=firm_user, listing=stated, statement="补充说明")
    # The period passing does not list it: the department has not considered the statement yet.
    assert (
        department_listings_settle(today=stated.hearing_until + datetime.timedelta(days=30))["effective"] == 0
    )
    assert list(department_listing_queue(user=zfbz_reviewer)) == [stated]
    with pytest.raises(ValidationError) as missing:
        listing_consider(actor=zfbz_reviewer, listing=stated, answer="", outcome="list")
    assert "请填写部门对陈述申辩的答复。" in missing.value.message_dict["answer"]
    with regrading():
        decided = listing_consider(
            actor=zfbz_reviewer_2, listing=stated, answer="租赁合同系事后补签，不予采纳。", outcome="list"
        )
    assert decided.status == ListingStatus.EFFECTIVE and decided.entry.listed_on == today()
    assert decided.statement == "房屋系合法承租，已提交租赁合同。"
    assert decided.answer == "租赁合同系事后补签，不予采纳。" and decided.answered_by == zfbz_reviewer_2
    assert county_grade(firm) == "D"


def test_a_statement_accepted_drops_the_listing(zfbz_clerk, zfbz_reviewer):
    firm = make_company()
    firm_user = make_user(Role.SUBJECT, None, username="anju2", subject=firm)
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=today())
    listing_state_case(actor=firm_user, listing=listing, statement="已退还住房。")
    dropped = listing_consider(
        actor=zfbz_reviewer, listing=listing, answer="情况属实，不予列入。", outcome="drop"
    )
    assert dropped.status == ListingStatus.DROPPED and dropped.entry is None
    assert not ListEntry.objects.exists()
    # The department may list the subject later on another decision.
    assert propose(zfbz_clerk, firm).status == ListingStatus.PROPOSED


def test_a_statement_after_the_period_or_by_another_account_is_refused(zfbz_clerk, zfbz_reviewer):
    firm = make_company()
    firm_user = make_user(Role.SUBJECT, None, username="late", subject=firm)
    stranger = make_user(Role.SUBJECT, None, username="stranger", subject=make_company())
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    with pytest.raises(PermissionDenied) as denied:
        listing_state_case(actor=stranger, listing=listing, statement="不是我")
    assert str(denied.value) == "只有信用主体本身的账号可以陈述申辩。"
    with pytest.raises(ValidationError) as late:
        listing_state_case(actor=firm_user, listing=listing, statement="迟到的陈述")
    expected = f"陈述申辩期限已于 {listing.hearing_until} 届满，不再受理陈述申辩。"
    assert late.value.message_dict["statement"] == [expected]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HEARING and listing.statement == ""
    # Also once the listing is in force.
    department_listings_settle()
    with pytest.raises(ValidationError):
        listing_state_case(actor=firm_user, listing=listing, statement="迟到的陈述")
    # A statement within the period still needs its text.
    other_firm = make_company()
    other_user = make_user(Role.SUBJECT, None, username="in-time", subject=other_firm)
    other = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, other_firm), today=today())
    with pytest.raises(ValidationError) as empty:
        listing_state_case(actor=other_user, listing=other, statement=" ")
    assert empty.value.message_dict["statement"] == ["请填写陈述申辩的内容：对列入的意见。"]


# --- four eyes and the department's own list --------------------------------------------------------------


def test_nobody_approves_their_own_proposal(zfbz_clerk, zfbz_reviewer, zfbz_reviewer_2, reviewer, office):
    firm = make_company()
    own = propose(zfbz_reviewer, firm)
    with pytest.raises(PermissionDenied) as denied:
        listing_approve(actor=zfbz_reviewer, listing=own)
    assert "双人审核" in str(denied.value)
    for someone in (zfbz_clerk, reviewer, office):  # a clerk, another department's reviewer, the office
        with pytest.raises(PermissionDenied):
            listing_approve(actor=someone, listing=own)
    own.refresh_from_db()
    assert own.status == ListingStatus.PROPOSED and own.transitions.count() == 1
    assert listing_approve(actor=zfbz_reviewer_2, listing=own).status == ListingStatus.HEARING


def test_staff_list_only_on_their_own_departments_list_and_see_only_their_department(
    zfbz_clerk, clerk, office, reviewer
):
    firm = make_company()
    zfbz = propose(zfbz_clerk, firm)
    fgw = propose(clerk, firm)
    assert fgw.department.code == "fgw" and fgw.list_name == "发展和改革委员会黑名单"
    assert list(department_listings_visible_to(user=zfbz_clerk)) == [zfbz]
    assert list(department_listings_visible_to(user=clerk)) == [fgw]
    assert set(department_listings_visible_to(user=office)) == {zfbz, fgw}
    with pytest.raises(PermissionDenied) as denied:
        propose(office, firm)
    assert str(denied.value) == "只有部门工作人员可以提出列入，且只能列入本部门的名单。"
    with pytest.raises(PermissionDenied):
        listing_return(actor=reviewer, listing=zfbz, reason="不是本部门的")
    with pytest.raises(PermissionDenied):
        listing_withdraw(actor=clerk, listing=zfbz, reason="不是本部门的")


def test_return_correct_and_submit_again(zfbz_clerk, zfbz_reviewer, office):
    firm = make_company()
    listing = propose(zfbz_clerk, firm)
    with pytest.raises(ValidationError):
        listing_return(actor=zfbz_reviewer, listing=listing, reason=" ")
    returned = listing_return(actor=zfbz_reviewer, listing=listing, reason="文书号有误")
    assert returned.status == ListingStatus.RETURNED and returned.return_reason == "文书号有误"
    assert list(department_listing_queue(user=zfbz_clerk)) == [returned]
    with pytest.raises(ValidationError) as refused:
        listing_approve(actor=zfbz_reviewer, listing=returned)
    assert "已退回修改" in refused.value.messages[0]
    again = listing_resubmit(
        actor=zfbz_clerk,
        listing=returned,
        reason=returned.reason,
        document_number="武房黑〔2026〕99号",
        decision_date=returned.decision_date,
        ends_on=returned.ends_on,
        hearing_days=10,
        decision_file=pdf("更正后的决定书.pdf"),
    )
    assert again.status == ListingStatus.PROPOSED and again.document_number == "武房黑〔2026〕99号"
    assert again.hearing_days == 10 and again.return_reason == "" and again.files.count() == 2
    log = AuditLog.objects.get(action="list.department_resubmit")
    assert log.before["document_number"] != log.after["document_number"] == "武房黑〔2026〕99号"
    assert len(department_listing_news(user=office)) == 2  # proposed, and proposed again
    assert listing_news_mark_read(actor=office) == 2
    assert not department_listing_news(user=office)
    with pytest.raises(PermissionDenied):
        listing_news_mark_read(actor=zfbz_reviewer)


def test_bad_proposals_are_refused_with_reasons_and_change_nothing(zfbz_clerk, clerk, reviewer):
    firm = make_company()
    with pytest.raises(ValidationError) as caught:
        propose(
            zfbz_clerk,
            firm,
            document_number=" ",
            decision_file=None,
            decision_date=today() + datetime.timedelta(days=3),
            ends_on=days_ago(1),
            hearing_days=0,
            reason="",
        )
    errors = caught.value.message_dict
    assert errors["document_number"] == ["请填写决定文书号。"]
    assert errors["decision_file"] == ["请上传决定文书（PDF、图片或 OFD 文件）。"]
    assert errors["decision_date"] == [f"日期 {today() + datetime.timedelta(days=3)} 晚于今天。"]
    assert errors["ends_on"] == ["列入期限须在今天之后届满。"]
    assert errors["hearing_days"] == ["陈述申辩期限须为 1 至 30 个工作日。"]
    assert errors["reason"] == ["请填写列入事由。"]
    with pytest.raises(ValidationError) as too_long:
        propose(zfbz_clerk, firm, ends_on=today() + datetime.timedelta(days=365 * 4))
    assert "最长 3 年" in too_long.value.message_dict["ends_on"][0]
    with pytest.raises(ValidationError) as not_a_pdf:
        propose(zfbz_clerk, firm, decision_file=SimpleUploadedFile("决定书.pdf", b"MZ not a pdf"))
    assert "decision_file" in not_a_pdf.value.message_dict
    assert not DepartmentListing.objects.exists() and not ListingFile.objects.exists()
    # One listing of a list under way at a time.
    propose(zfbz_clerk, firm)
    with pytest.raises(ValidationError) as twice:
        propose(zfbz_clerk, firm)
    assert "办理中或生效中" in twice.value.message_dict["subject"][0]
    # A red listing needs good credit (A+ or A in the county evaluation) and no black list.
    dishonest = make_company()
    effective_penalty(clerk, reviewer, dishonest)
    with pytest.raises(ValidationError) as below_a:
        propose(zfbz_clerk, dishonest, list_type="red")
    assert "A+" in below_a.value.message_dict["subject"][0]
    with pytest.raises(ValidationError) as black_first:
        propose(zfbz_clerk, firm, list_type="red")
    assert "黑名单" in black_first.value.message_dict["subject"][0]


def test_the_listing_period_must_outlast_the_statement_period(zfbz_clerk, zfbz_reviewer):
    listing = propose(
        zfbz_clerk, make_company(), ends_on=today() + datetime.timedelta(days=3), hearing_days=10
    )
    with pytest.raises(ValidationError) as caught:
        listing_approve(actor=zfbz_reviewer, listing=listing)
    assert "早于陈述申辩期限" in caught.value.messages[0]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PROPOSED


# --- red lists ---------------------------------------------------------------------------------------------


def test_a_red_listing_takes_effect_on_approval_and_counts_as_a_commendation(
    zfbz_clerk, zfbz_reviewer, regrading
):
    firm = make_company()
    with regrading():
        listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm, list_type="red"))
    assert listing.status == ListingStatus.EFFECTIVE and listing.notified_on is None
    entry = listing.entry
    assert entry.list_name == "住房保障中心诚信红榜" and entry.record.kind.code == "department_red_list"
    assert county_grade(firm) == "A+"
    grade, reasons = department_grade(firm, "zfbz")
    assert grade == "A" and listing.document_number in reasons_text(reasons)
    # A black listing by the same department ends its red listing.
    black = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    with regrading():
        department_listings_settle()
    listing.refresh_from_db()
    entry.refresh_from_db()
    assert listing.status == ListingStatus.ENDED and entry.removed_on is not None
    assert entry.exit_kind == ListExit.DECISION and entry.record.status == RecordStatus.REVOKED
    black.refresh_from_db()
    assert black.status == ListingStatus.EFFECTIVE and county_grade(firm) == "D"


def test_the_county_black_list_ends_a_department_red_listing(zfbz_clerk, zfbz_reviewer, office):
    firm = make_company()
    red = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm, list_type="red"))
    list_entry_add(
        actor=office,
        list_type="black",
        subject=firm,
        reason="失信被执行人",
        authority="西峡县人民法院",
        listed_on=days_ago(0),
    )
    red.refresh_from_db()
    assert red.status == ListingStatus.ENDED and red.entry.removed_on == days_ago(0)


# --- exits -------------------------------------------------------------------------------------------------


def test_exit_by_expiry(zfbz_clerk, zfbz_reviewer, regrading):
    firm = make_company()
    started = days_ago(30)
    listing = propose(
        zfbz_clerk,
        firm,
        list_type="red",
        decision_date=days_ago(31),
        ends_on=days_ago(5),
        today=started,
    )
    with regrading():
        listing = listing_approve(actor=zfbz_reviewer, listing=listing, today=started)
    # Past its last day the listing is no longer in force for any reader, even before the expiry is
    # written.
    assert not list_entries_in_force(subject_ids=[firm.pk])
    assert list_entries_in_force(subject_ids=[firm.pk], on=days_ago(5))
    with regrading():
        assert department_listings_settle()["expired"] == 1
    listing.refresh_from_db()
    entry = listing.entry
    assert listing.status == ListingStatus.ENDED
    assert entry.removed_on == days_ago(4) and entry.exit_kind == ListExit.EXPIRY
    assert entry.record.status == RecordStatus.REVOKED and county_grade(firm) == "A"
    log = AuditLog.objects.get(action="list.department_end")
    assert log.actor is None and log.reason.startswith("列入期满")
    assert OutboxItem.objects.filter(idempotency_key=f"list.entry:{entry.pk}:removed").exists()


def test_exit_by_decision(zfbz_clerk, zfbz_reviewer, office, regrading):
    firm = make_company()
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    with regrading():
        department_listings_settle()
    assert county_grade(firm) == "D"
    listing.refresh_from_db()
    for someone in (zfbz_clerk, office):
        with pytest.raises(PermissionDenied):
            listing_remove(actor=someone, listing=listing, reason="已整改")
    # The credit office does not end a department's listing through the county list either.
    with pytest.raises(ValidationError):
        list_entry_remove(actor=office, entry=listing.entry, removed_on=today(), reason="信用办移出")
    with pytest.raises(ValidationError):
        listing_remove(actor=zfbz_reviewer, listing=listing, reason="")
    with regrading():
        ended = listing_remove(actor=zfbz_reviewer, listing=listing, reason="已退还保障房并整改到位")
    assert ended.status == ListingStatus.ENDED
    entry = ended.entry
    assert entry.removed_on == today() and entry.exit_kind == ListExit.DECISION
    assert entry.removal_reason == "已退还保障房并整改到位" and entry.removed_by == zfbz_reviewer
    assert entry.record.status == RecordStatus.REVOKED and county_grade(firm) == "A"
    assert AuditLog.objects.get(action="list.remove", target_id=str(entry.pk)).actor == zfbz_reviewer
    assert AuditLog.objects.get(action="list.department_end").actor == zfbz_reviewer


def test_exit_by_repair(zfbz_clerk, zfbz_reviewer, regrading):
    from repair.services import repair_accept, repair_apply, repair_approve

    firm = make_company()
    firm_user = make_user(Role.SUBJECT, None, username="repaired", subject=firm)
    long_ago = days_ago(400)
    listing = propose(
        zfbz_clerk,
        firm,
        decision_date=days_ago(401),
        ends_on=long_ago + datetime.timedelta(days=700),
        today=long_ago,
    )
    listing_approve(actor=zfbz_reviewer, listing=listing, today=long_ago)
    with regrading():
        department_listings_settle()
    listing.refresh_from_db()
    application = repair_apply(
        actor=firm_user, record=listing.entry.record, statement="已退还住房。", proofs=[("commitment", pdf())]
    )
    repair_accept(actor=zfbz_reviewer, application=application)
    with regrading():
        repair_approve(actor=zfbz_reviewer, application=application, reason="整改到位")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ENDED
    assert listing.entry.exit_kind == ListExit.REPAIR and listing.entry.removed_on == today()
    assert listing.entry.record.status == RecordStatus.REPAIRED
    assert county_grade(firm) == "A"


def test_withdrawal_before_it_takes_effect(zfbz_clerk, zfbz_reviewer):
    firm = make_company()
    listing = propose(zfbz_clerk, firm)
    told = listing_approve(actor=zfbz_reviewer, listing=listing)
    with pytest.raises(PermissionDenied):
        listing_withdraw(actor=zfbz_clerk, listing=told, reason="搞错了")  # told: a reviewer only
    withdrawn = listing_withdraw(actor=zfbz_reviewer, listing=told, reason="经复核不符合列入条件")
    assert withdrawn.status == ListingStatus.WITHDRAWN and withdrawn.withdrawal_reason
    assert department_listings_settle(today=told.hearing_until + datetime.timedelta(days=1))["effective"] == 0
    assert not ListEntry.objects.exists()


# --- measures, the platform and a natural person ----------------------------------------------------------


def test_a_department_black_list_brings_its_own_measures_not_the_joint_punishment(
    zfbz_clerk, zfbz_reviewer, regrading
):
    firm = make_company()
    listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    with regrading():
        department_listings_settle()
    items = {item["measure_code"]: item for item in measures_applicable(subject=firm)}
    assert items["zfbz-black-exposure"]["list"] == "black"
    assert items["zfbz-black-exposure"]["list_name"] == "住房保障中心黑名单"
    assert "wd-black-administrative" not in items and "wd-black-market" not in items
    assert items["zfbz-d-key-supervision"]["grade"] == "D"  # by the county grade the listing gives


def test_the_platform_is_told_with_the_department_and_county_items_keep_their_shape(
    zfbz_clerk, zfbz_reviewer, office, regrading
):
    firm = make_company()
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    assert not OutboxItem.objects.filter(type=OutboxType.LIST_ENTRY).exists()  # not while heard
    department_listings_settle()
    listing.refresh_from_db()
    item = OutboxItem.objects.get(type=OutboxType.LIST_ENTRY)
    payload = item.payload
    assert item.idempotency_key == f"list.entry:{listing.entry_id}:listed"
    assert payload["event"] == "listed" and payload["department_code"] == "zfbz"
    assert payload["list_scope"] == "department" and payload["list_type"] == "black"
    assert payload["authority"] == "住房保障中心" and payload["document_number"] == listing.document_number
    assert payload["listed_until"] == listing.ends_on.isoformat() and payload["subject_code"] == firm.code
    listing_remove(actor=zfbz_reviewer, listing=listing, reason="移出")
    removed = OutboxItem.objects.get(idempotency_key=f"list.entry:{listing.entry_id}:removed")
    assert removed.payload["removal_reason"] == "移出" and removed.payload["department_code"] == "zfbz"
    county = list_entry_add(
        actor=office,
        list_type="black",
        subject=make_company(),
        reason="失信",
        authority="法院",
        listed_on=today(),
    )
    joint = OutboxItem.objects.get(idempotency_key=f"list.entry:{county.pk}:listed").payload
    assert (
        joint["list_scope"] == "joint" and joint["department_code"] == "xyb" and joint["listed_until"] is None
    )


def test_a_natural_person_can_be_listed(zfbz_clerk, zfbz_reviewer):
    person = make_person("李保障")
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, person), today=days_ago(20))
    department_listings_settle()
    listing.refresh_from_db()
    assert listing.entry.subject == person and listing.status == ListingStatus.EFFECTIVE


def test_a_failure_to_take_effect_is_audited_and_holds_no_other_listing_back(
    zfbz_clerk, zfbz_reviewer, clerk
):
    first, second = make_company(), make_company()
    a = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, first), today=days_ago(20))
    b = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, second), today=days_ago(20))
    # The record the listing would enter is already there (entered by hand under the same number).
    from records.services import record_enter_effective
    from records.validation import RecordInput

    record_enter_effective(
        actor=None,
        subject=first,
        department=a.department,
        data=RecordInput(
            kind="department_black_list",
            document_number=a.document_number,
            decision_date=days_ago(3),
            matter="列入住房保障中心黑名单",
        ),
        reason="手工录入",
    )
    counts = department_listings_settle()
    assert counts == {"effective": 1, "expired": 0, "failed": 1}
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == ListingStatus.HEARING and b.status == ListingStatus.EFFECTIVE
    assert AuditLog.objects.filter(action="list.department_effect_failed", target_id=str(a.pk)).exists()
    assert ListingTransition.objects.filter(listing=a).count() == 2


def test_the_nightly_regrade_counts_the_listing_the_same_way(zfbz_clerk, zfbz_reviewer, clerk, reviewer):
    """The whole-county regrade (one SQL query per scheme on PostgreSQL, grading/compiled.py) gives the
    same grades as the dynamic one: D for the department's black listing, not before it takes effect."""
    listed, heard, other = make_company(), make_company(), make_company()
    effective_penalty(clerk, reviewer, other)
    listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, listed), today=days_ago(20))
    listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, heard), today=today())
    department_listings_settle()
    regrade_all()
    assert county_grade(listed) == "D" and county_grade(heard) == "A" and county_grade(other) in ("C", "C-")
