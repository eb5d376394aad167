import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditLog
from subjects.services import subject_update
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def test_every_registry_change_is_logged_with_actor_and_reason(credit_office_user):
    subject = make_company("某审计测试有限公司")
    subject_update(actor=credit_office_user, subject=subject, reason="地址变更", address="西峡县紫金路1号")
    created, updated = AuditLog.objects.filter(
        target_type__model="subject", target_id=str(subject.pk)
    ).order_by("id")
    assert created.action == "subject.create" and created.actor is None and created.actor_label == "system"
    assert created.after["name"] == "某审计测试有限公司"
    assert updated.actor_label == credit_office_user.username
    assert updated.before == {"address": ""} and updated.after == {"address": "西峡县紫金路1号"}


def test_admin_shows_the_log_read_only(client, credit_office_user):
    make_company("只读测试有限公司")
    client.force_login(credit_office_user)
    page = client.get(reverse("admin:audit_auditlog_changelist")).content.decode()
    assert "只读测试有限公司" in page and "登记主体" in page
    entry = AuditLog.objects.first()
    request = RequestFactory().get("/")
    request.user = credit_office_user
    admin = site._registry[AuditLog]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, entry)
    assert not admin.has_delete_permission(request, entry)
    assert (
        client.post(reverse("admin:audit_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditLog.objects.filter(pk=entry.pk).exists()
