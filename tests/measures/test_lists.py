"""Red and black lists (002 §3(1), §4(3); 004 §6(1)): listing, removal, and their effect on grading."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditLog
from exchange.models import OutboxItem, OutboxType
from grading.models import Grade
from measures.models import ListEntry, ListSource, ListType
from measures.selectors import list_entries_in_force
from measures.services import list_entry_add, list_entry_remove
from records.models import CreditRecord, RecordStatus
from tests.factories import make_company

from .conftest import days_ago, effective_penalty

pytestmark = pytest.mark.django_db


def grade(subject, scheme):
    return Grade.objects.get(subject=subject, scheme__code=scheme, is_current=True).grade


def black(actor, subject=None, **extra):
    values = dict(
        list_type=ListType.BLACK,
        subject=subject,
        reason="拒不履行法院生效判决",
        authority="西峡县人民法院",
        listed_on=days_ago(5),
    )
    return list_entry_add(actor=actor, **(values | extra))


def red(actor, subject, **extra):
    values = dict(
        list_type=ListType.RED,
        subject=subject,
        reason="连续三年无失信记录，诚信经营",
        authority="西峡县信用办",
        listed_on=days_ago(3),
    )
    return list_entry_add(actor=actor, **(values | extra))


def test_black_listing_gives_d_minus_and_c_and_removal_restores(credit_office_user, regrading):
    firm = make_company()
    with regrading():
        entry = black(credit_office_user, firm)
    assert grade(firm, "public") == "D-"
    # Listed by the credit office, the firm is no department's subject: no A/B/C grade (SPEC §3.6).
    assert not Grade.objects.filter(subject=firm, scheme__code="abc").exists()
    record = entry.record
    assert record.status == RecordStatus.EFFECTIVE and record.kind.code == "joint_punishment_list"
    assert record.subject_id == firm.pk and record.decision_date == entry.listed_on
    with regrading():
        list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="履行完毕")
    assert grade(firm, "public") == "A"
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED
    entry.refresh_from_db()
    assert entry.removed_on == days_ago(0) and entry.removal_reason == "履行完毕"
    assert entry.removed_by == credit_office_user


def test_black_listing_of_a_general_dishonest_firm_still_gives_d_minus(
    clerk, reviewer, credit_office_user, regrading
):
    firm = make_company()
    with regrading():
        effective_penalty(clerk, reviewer, firm)
    assert grade(firm, "public") in ("C", "C-") and grade(firm, "abc") == "B"
    with regrading():
        entry = black(credit_office_user, firm)
    assert grade(firm, "public") == "D-" and grade(firm, "abc") == "C"
    with regrading():
        list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(1), reason="已移出")
    assert grade(firm, "public") in ("C", "C-") and grade(firm, "abc") == "B"


def test_red_listing_raises_an_a_subject_to_a_plus(credit_office_user, regrading):
    firm = make_company()
    with regrading():
        entry = red(credit_office_user, firm)
    assert entry.record.kind.code == "red_list"
    assert grade(firm, "public") == "A+"
    with regrading():
        list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="期满")
    assert grade(firm, "public") == "A"


def test_red_listing_is_refused_below_a(clerk, reviewer, credit_office_user, regrading):
    firm = make_company()
    with regrading():
        effective_penalty(clerk, reviewer, firm)
    current = grade(firm, "public")
    assert current in ("C", "C-")
    with pytest.raises(ValidationError) as caught:
        red(credit_office_user, firm)
    message = " ".join(caught.value.message_dict["subject"])
    assert "A+" in message and firm.name in message and current in message
    assert not ListEntry.objects.exists()
    assert not CreditRecord.objects.filter(kind__code="red_list").exists()


def test_red_listing_of_an_ungraded_subject_uses_its_computed_grade(credit_office_user, clerk, reviewer):
    clean = make_company()
    assert not Grade.objects.filter(subject=clean).exists()
    red(credit_office_user, clean)  # no records at all: A (SPEC §3.2), so it may be chosen
    dishonest = make_company()
    effective_penalty(clerk, reviewer, dishonest)  # no regrade ran: no stored grade, computed C/C-
    assert not Grade.objects.filter(subject=dishonest).exists()
    with pytest.raises(ValidationError):
        red(credit_office_user, dishonest)


def test_black_listing_ends_the_red_listing(credit_office_user, regrading):
    firm = make_company()
    with regrading():
        model = red(credit_office_user, firm, listed_on=days_ago(30))
        black(credit_office_user, firm, listed_on=days_ago(2))
    model.refresh_from_db()
    assert model.removed_on == days_ago(2) and model.record.status == RecordStatus.REVOKED
    assert [e.list_type for e in list_entries_in_force(subject_ids=[firm.pk])] == [ListType.BLACK]
    assert grade(firm, "public") == "D-"
    with pytest.raises(ValidationError) as caught:
        red(credit_office_user, firm)
    assert firm.name in caught.value.message_dict["subject"][0]


def test_in_force_by_date(credit_office_user):
    firm, other = make_company(), make_company()
    entry = black(credit_office_user, firm, listed_on=days_ago(20))
    black(credit_office_user, other, listed_on=days_ago(20))
    list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(10), reason="移出")
    assert list(list_entries_in_force(subject_ids=[firm.pk], on=days_ago(15))) == [entry]
    assert list(list_entries_in_force(subject_ids=[firm.pk], on=days_ago(10))) == []
    assert list(list_entries_in_force(subject_ids=[firm.pk], on=days_ago(21))) == []
    assert list_entries_in_force(subject_ids=None).count() == 1
    assert list_entries_in_force(subject_ids=[firm.pk, other.pk]).count() == 1


def test_listing_is_audited_and_queued_for_the_platform(credit_office_user):
    firm = make_company()
    entry = black(credit_office_user, firm, document_number="西信发〔2026〕3号")
    assert entry.record.document_number == "西信发〔2026〕3号"
    log = AuditLog.objects.get(action="list.add")
    assert log.actor == credit_office_user and log.target_id == str(entry.pk)
    assert log.after["list_type"] == "black" and log.after["authority"] == "西峡县人民法院"
    item = OutboxItem.objects.get(type=OutboxType.LIST_ENTRY)
    assert item.payload["subject_code"] == firm.code and item.payload["subject_name"] == firm.name
    assert item.payload["subject_kind"] == firm.kind and item.payload["event"] == "listed"
    assert item.payload["listed_on"] == entry.listed_on.isoformat()
    list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="移出")
    assert AuditLog.objects.filter(action="list.remove", target_id=str(entry.pk)).count() == 1
    assert AuditLog.objects.filter(action="record.withdraw").count() == 1
    removed = OutboxItem.objects.get(idempotency_key=f"list.entry:{entry.pk}:removed")
    assert removed.payload["removal_reason"] == "移出"


def test_platform_listing_is_idempotent_on_its_external_id():
    firm = make_company()
    values = dict(
        list_type=ListType.BLACK,
        subject=firm,
        reason="失信被执行人",
        authority="最高人民法院",
        listed_on=days_ago(40),
        level="national",
        source=ListSource.PLATFORM,
        external_id="NAT-2026-0001",
    )
    first = list_entry_add(actor=None, **values)
    again = list_entry_add(actor=None, **values)
    assert first.pk == again.pk and ListEntry.objects.count() == 1
    assert CreditRecord.objects.filter(kind__code="joint_punishment_list").count() == 1
    assert first.department.code == "xyb" and first.created_by is None
    assert not OutboxItem.objects.filter(type=OutboxType.LIST_ENTRY).exists()  # it came from there
    with pytest.raises(ValidationError) as caught:
        list_entry_add(actor=None, **(values | {"external_id": ""}))
    assert "external_id" in caught.value.message_dict


def test_only_the_credit_office_lists_and_removes(clerk, reviewer, credit_office_user):
    firm = make_company()
    for actor in (clerk, reviewer):
        with pytest.raises(PermissionDenied):
            black(actor, firm)
    assert not ListEntry.objects.exists() and not CreditRecord.objects.exists()
    entry = black(credit_office_user, firm)
    with pytest.raises(PermissionDenied):
        list_entry_remove(actor=reviewer, entry=entry, removed_on=days_ago(0), reason="x")
    entry.refresh_from_db()
    assert entry.removed_on is None and entry.record.status == RecordStatus.EFFECTIVE


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"authority": ""}, "authority"),
        ({"listed_on": None}, "listed_on"),
        ({"listed_on": "2026-13-45"}, "listed_on"),
        ({"listed_on": datetime.date(2999, 1, 1)}, "listed_on"),
        ({"list_type": "grey"}, "list_type"),
        ({"level": "galactic"}, "level"),
        ({"subject": None}, "subject"),
    ],
)
def test_bad_listing_input_changes_nothing(credit_office_user, override, field):
    firm = make_company()
    with pytest.raises(ValidationError) as caught:
        black(credit_office_user, **({"subject": firm} | override))
    assert field in caught.value.message_dict
    assert not ListEntry.objects.exists() and not CreditRecord.objects.exists()
    assert not AuditLog.objects.filter(action="list.add").exists()


def test_the_same_listing_twice_is_refused(credit_office_user):
    firm = make_company()
    black(credit_office_user, firm)
    with pytest.raises(ValidationError) as caught:
        black(credit_office_user, firm)
    assert "西峡县人民法院" in caught.value.message_dict["subject"][0]
    black(credit_office_user, firm, authority="西峡县税务局")  # another authority's listing is its own
    assert ListEntry.objects.count() == 2


def test_bad_removals_change_nothing(credit_office_user):
    firm = make_company()
    entry = black(credit_office_user, firm, listed_on=days_ago(5))
    for removed_on, reason, field in [
        (days_ago(6), "移出", "removed_on"),
        (datetime.date(2999, 1, 1), "移出", "removed_on"),
        ("昨天", "移出", "removed_on"),
        (days_ago(0), " ", "removal_reason"),
    ]:
        with pytest.raises(ValidationError) as caught:
            list_entry_remove(actor=credit_office_user, entry=entry, removed_on=removed_on, reason=reason)
        assert field in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.removed_on is None and entry.record.status == RecordStatus.EFFECTIVE
    list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="移出")
    with pytest.raises(ValidationError):
        list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="再次")
    entry.refresh_from_db()
    assert entry.removal_reason == "移出"


def test_admin_lists_and_removes_through_the_services(client, credit_office_user, clerk, reviewer):
    client.force_login(credit_office_user)
    firm = make_company()
    add_url = reverse("admin:measures_listentry_add")
    data = {
        "list_type": "black",
        "subject": firm.pk,
        "reason": "恶意逃废银行债务",
        "authority": "西峡县信用办",
        "document_number": "",
        "level": "county",
        "department": "",
        "listed_on": days_ago(1).isoformat(),
    }
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ListEntry.objects.get()
    assert entry.record is not None and entry.department.code == "xyb"
    changelist = client.get(reverse("admin:measures_listentry_changelist")).content.decode()
    assert "恶意逃废银行债务" in changelist and "西峡县信用办" in changelist
    change_url = reverse("admin:measures_listentry_change", args=[entry.pk])
    response = client.post(change_url, {"removed_on": days_ago(3).isoformat(), "removal_reason": "错误"})
    assert response.status_code == 200  # before the listing date: refused with the message
    entry.refresh_from_db()
    assert entry.removed_on is None
    response = client.post(change_url, {"removed_on": days_ago(0).isoformat(), "removal_reason": "已整改"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.removed_on == days_ago(0) and entry.record.status == RecordStatus.REVOKED
    # A red listing of a subject below A is refused in the admin with the service's message.
    dishonest = make_company()
    effective_penalty(clerk, reviewer, dishonest)
    response = client.post(add_url, data | {"list_type": "red", "subject": dishonest.pk})
    assert response.status_code == 200 and dishonest.name in response.content.decode()
    assert ListEntry.objects.count() == 1


def test_department_staff_cannot_open_the_lists_admin(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:measures_listentry_changelist"))
    assert response.status_code == 302  # to the admin login: staff status is the credit office's


def test_records_entered_effective_only_by_the_credit_office(clerk, reviewer, credit_office_user):
    from records.services import record_enter_effective, record_withdraw
    from records.validation import RecordInput

    firm = make_company()
    data = RecordInput(kind="联合惩戒名单", document_number="名单1", decision_date=days_ago(1), matter="列入")
    with pytest.raises(PermissionDenied):
        record_enter_effective(actor=clerk, subject=firm, department=clerk.department, data=data, reason="x")
    with pytest.raises(ValidationError):
        record_enter_effective(
            actor=credit_office_user, subject=firm, department=clerk.department, data=data, reason=""
        )
    assert not CreditRecord.objects.exists()
    submitted = effective_penalty(clerk, reviewer, firm)
    submitted.status = RecordStatus.SUBMITTED
    submitted.save()
    with pytest.raises(ValidationError):
        record_withdraw(actor=credit_office_user, record=submitted, reason="移出")
    with pytest.raises(PermissionDenied):
        record_withdraw(actor=reviewer, record=submitted, reason="移出")
    submitted.refresh_from_db()
    assert submitted.status == RecordStatus.SUBMITTED


def test_a_document_number_is_used_once_per_subject_and_list(client, credit_office_user):
    firm = make_company()
    black(credit_office_user, firm, document_number="西信发〔2026〕9号")
    with pytest.raises(ValidationError) as caught:
        black(credit_office_user, firm, authority="另一机关", document_number="西信发〔2026〕9号")
    assert "西信发〔2026〕9号" in caught.value.message_dict["document_number"][0]
    assert ListEntry.objects.count() == 1
    client.force_login(credit_office_user)
    response = client.post(
        reverse("admin:measures_listentry_add"),
        {
            "list_type": "black",
            "subject": firm.pk,
            "reason": "重复",
            "authority": "第三机关",
            "document_number": "西信发〔2026〕9号",
            "level": "county",
            "listed_on": days_ago(1).isoformat(),
        },
    )
    assert response.status_code == 200 and ListEntry.objects.count() == 1


def test_removal_after_the_record_was_revoked_elsewhere(credit_office_user, regrading):
    from records.services import record_revoke

    firm = make_company()
    with regrading():
        entry = black(credit_office_user, firm)
    with regrading():
        record_revoke(actor=credit_office_user, record=entry.record, reason="异议成立")
    assert grade(firm, "public") == "A"
    with regrading():
        list_entry_remove(
            actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="异议成立，移出"
        )
    entry.refresh_from_db()
    assert entry.removed_on == days_ago(0) and entry.record.status == RecordStatus.REVOKED
    assert AuditLog.objects.filter(action="list.remove").count() == 1
