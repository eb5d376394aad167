import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from records.models import RecordStatus
from repair.models import RepairApplication, RepairStatus
from repair.services import repair_accept, repair_apply

from .conftest import commitment_proof, effective_record, pdf

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2025, 10, 1)


def _application(user, record):
    return repair_apply(actor=user, record=record, statement="已整改。", proofs=commitment_proof())


def test_the_subject_sees_which_records_can_be_repaired_and_from_when(
    client, clerk, reviewer, firm, firm_user
):
    old = effective_record(clerk, reviewer, firm, decision_date=LONG_AGO, number="旧罚1号")
    recent_day = timezone.localdate() - datetime.timedelta(days=10)
    effective_record(clerk, reviewer, firm, severity="serious", decision_date=recent_day, number="新罚2号")
    client.force_login(firm_user)
    page = client.get(reverse("repair:home")).content.decode()
    assert reverse("repair:apply", args=[old.pk]) in page
    from repair.eligibility import repair_eligible_from

    serious = firm.records.get(document_number="新罚2号")
    assert f"自{repair_eligible_from(record=serious).isoformat()}起可以申请" in page


def test_a_subject_files_online_and_the_reviewer_decides_on_the_pages(
    client, clerk, reviewer, firm, firm_user
):
    record = effective_record(clerk, reviewer, firm, decision_date=LONG_AGO)
    client.force_login(firm_user)
    response = client.post(
        reverse("repair:apply", args=[record.pk]),
        {"statement": "已缴纳罚款，完成整改。", "contact": "王经理 13800000000", "proof_commitment": pdf()},
    )
    application = RepairApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "repair:detail", args=[application.pk]
    )
    client.force_login(reviewer)
    queue = client.get(reverse("repair:home")).content.decode()
    assert "待办理" in queue and record.document_number in queue
    client.post(reverse("repair:action", args=[application.pk, "accept"]))
    response = client.post(
        reverse("repair:action", args=[application.pk, "approve"]), {"reason": "整改到位"}, follow=True
    )
    assert "已同意修复" in response.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
    client.force_login(firm_user)
    detail = client.get(reverse("repair:detail", args=[application.pk])).content.decode()
    assert "同意修复" in detail and "整改到位" in detail


def test_bad_input_on_the_form_shows_a_message_and_writes_nothing(client, clerk, reviewer, firm, firm_user):
    record = effective_record(clerk, reviewer, firm, decision_date=LONG_AGO)
    client.force_login(firm_user)
    page = client.post(
        reverse("repair:apply", args=[record.pk]), {"statement": "已整改", "proof_training": pdf()}
    ).content.decode()
    assert "信用修复申请须提交：信用承诺书" in page
    recent = effective_record(
        clerk,
        reviewer,
        firm,
        decision_date=timezone.localdate() - datetime.timedelta(days=3),
        number="新罚3号",
    )
    page = client.post(
        reverse("repair:apply", args=[recent.pk]), {"statement": "已整改", "proof_commitment": pdf()}
    ).content.decode()
    assert "起可以申请" in page
    assert not RepairApplication.objects.exists()


def test_an_illegal_action_on_the_page_is_a_message_not_an_error(client, clerk, reviewer, firm, firm_user):
    application = _application(firm_user, effective_record(clerk, reviewer, firm, decision_date=LONG_AGO))
    client.force_login(reviewer)
    response = client.post(reverse("repair:action", args=[application.pk, "approve"]), follow=True)
    assert response.status_code == 200 and "不能受理" not in response.content.decode()
    assert "状态为“已申请”的申请不能同意修复" in response.content.decode()
    assert client.post(reverse("repair:action", args=[application.pk, "explode"])).status_code == 404
    application.refresh_from_db()
    assert application.status == RepairStatus.SUBMITTED


def test_a_subject_user_never_reads_another_subjects_applications(
    client, clerk, reviewer, firm, firm_user, other_firm_user
):
    record = effective_record(clerk, reviewer, firm, decision_date=LONG_AGO)
    application = _application(firm_user, record)
    proof = application.proofs.get()
    client.force_login(other_firm_user)
    urls = [
        reverse("repair:detail", args=[application.pk]),
        reverse("repair:proof", args=[application.pk, proof.pk]),
        reverse("repair:apply", args=[record.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for action in ("withdraw", "accept", "approve", "refuse"):
        assert client.post(reverse("repair:action", args=[application.pk, action])).status_code == 404
    page = client.get(reverse("repair:home")).content.decode()
    assert record.document_number not in page and "宏达" not in page
    assert client.get(reverse("repair:home") + "?record_q=" + firm.code).content.decode().count("宏达") == 0
    application.refresh_from_db()
    assert application.status == RepairStatus.SUBMITTED
    # the owner reads all of it
    client.force_login(firm_user)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).content.startswith(b"%PDF")


def test_another_departments_staff_get_404_and_the_public_goes_to_login(
    client, clerk, reviewer, firm, firm_user, other_clerk
):
    application = _application(firm_user, effective_record(clerk, reviewer, firm, decision_date=LONG_AGO))
    client.force_login(other_clerk)
    assert client.get(reverse("repair:detail", args=[application.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("repair:detail", args=[application.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_queue_shows_overdue_applications_first(client, clerk, reviewer, firm, firm_user):
    first = _application(
        firm_user, effective_record(clerk, reviewer, firm, decision_date=LONG_AGO, number="罚A")
    )
    second = _application(
        firm_user, effective_record(clerk, reviewer, firm, decision_date=LONG_AGO, number="罚B")
    )
    RepairApplication.objects.filter(pk=second.pk).update(due_on=datetime.date(2026, 1, 5))
    repair_accept(actor=reviewer, application=first)
    from repair.selectors import repair_queue

    assert [a.pk for a in repair_queue(user=reviewer)] == [second.pk, first.pk]
    client.force_login(reviewer)
    page = client.get(reverse("repair:home")).content.decode()
    assert "已逾期" in page and page.index("罚B") < page.index("罚A")


def test_list_pages_have_bounded_queries(
    client, clerk, reviewer, firm, firm_user, django_assert_max_num_queries
):
    for n in range(12):
        _application(
            firm_user, effective_record(clerk, reviewer, firm, decision_date=LONG_AGO, number=f"罚{n}")
        )
    for user in (reviewer, firm_user):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            assert client.get(reverse("repair:home") + "?record_q=罚").status_code == 200


def test_a_subject_user_never_reaches_a_record_not_yet_in_force(client, clerk, reviewer, firm, firm_user):
    """Issue 13 #4: drafts, submitted and returned records are the department's own work."""
    from records.services import record_create, record_return, record_submit
    from records.validation import RecordInput, SanctionInput

    def entered(number: str):
        return record_create(
            actor=clerk,
            subject=firm,
            data=RecordInput(
                kind="行政处罚",
                document_number=number,
                decision_date=LONG_AGO,
                matter=f"未生效事项{number}",
                sanctions=[SanctionInput("罚款", "5000")],
            ),
        )

    draft = entered("草稿罚1号")
    submitted = record_submit(actor=clerk, record=entered("待审罚2号"))
    returned = record_return(
        actor=reviewer, record=record_submit(actor=clerk, record=entered("退回罚3号")), reason="补正"
    )
    in_force = effective_record(clerk, reviewer, firm, decision_date=LONG_AGO, number="生效罚4号")
    client.force_login(firm_user)
    for record in (draft, submitted, returned):
        response = client.get(reverse("repair:apply", args=[record.pk]))
        assert response.status_code == 404, record.status
        assert record.document_number not in response.content.decode()
        response = client.post(
            reverse("repair:apply", args=[record.pk]), {"statement": "已整改。", "proof_commitment": pdf()}
        )
        assert response.status_code == 404
    assert not RepairApplication.objects.exists()
    page = client.get(reverse("repair:apply", args=[in_force.pk]))
    assert page.status_code == 200 and "生效罚4号" in page.content.decode()
    for url in (reverse("repair:home"), reverse("portal:home")):
        text = client.get(url).content.decode()
        assert "生效罚4号" in text
        assert not any(n in text for n in ("草稿罚1号", "待审罚2号", "退回罚3号")), url
    client.force_login(clerk)  # the department still reaches its own draft
    assert client.get(reverse("repair:apply", args=[draft.pk])).status_code == 200


def test_proofs_chosen_before_a_form_error_are_kept(client, clerk, reviewer, firm, firm_user):
    import re

    record = effective_record(clerk, reviewer, firm, decision_date=LONG_AGO)
    client.force_login(firm_user)
    url = reverse("repair:apply", args=[record.pk])
    # The training certificate is chosen, but the required commitment is missing: an error.
    page = client.post(url, {"statement": "已整改", "proof_training": pdf()}).content.decode()
    assert "信用修复申请须提交：信用承诺书" in page and not RepairApplication.objects.exists()
    token = re.search(r'name="held-proof_training" value="([^"]+)"', page).group(1)
    client.post(url, {"statement": "已整改", "proof_commitment": pdf(), "held-proof_training": token})
    application = RepairApplication.objects.get()
    assert sorted(application.proofs.values_list("kind", flat=True)) == ["commitment", "training"]
