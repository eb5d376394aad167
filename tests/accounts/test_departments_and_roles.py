import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import Department, Role, Unit, User
from accounts.services import user_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_standard_departments_exist_after_migrate():
    names = dict(Department.objects.values_list("code", "name"))
    assert names["fgw"] == "发展和改革委员会"
    assert names["zjj"] == "住房和城乡建设局"
    assert names["scjg"] == "市场监督管理局"
    assert names["zfbz"] == "住房保障中心"
    assert len(names) >= 20


def test_department_staff_need_a_department():
    with pytest.raises(ValidationError) as exc:
        user_create(actor=None, username="nobody", password="x-2026-pass", role=Role.CLERK)
    assert "department" in exc.value.message_dict
    assert not User.objects.filter(username="nobody").exists()


def test_database_refuses_department_staff_without_department():
    with pytest.raises(IntegrityError):
        User.objects.create(username="raw", role=Role.REVIEWER)


def test_unit_must_belong_to_the_department():
    fgw, zjj = Department.objects.get(code="fgw"), Department.objects.get(code="zjj")
    unit = Unit.objects.create(department=zjj, name="质量安全监督站")
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=None, username="u1", password="x-2026-pass", role=Role.CLERK, department=fgw, unit=unit
        )
    assert "unit" in exc.value.message_dict


def test_only_the_credit_office_creates_accounts(clerk, credit_office_user):
    fgw = Department.objects.get(code="fgw")
    with pytest.raises(PermissionDenied):
        user_create(actor=clerk, username="u2", password="x-2026-pass", role=Role.CLERK, department=fgw)
    created = user_create(
        actor=credit_office_user, username="u3", password="x-2026-pass", role=Role.REVIEWER, department=fgw
    )
    assert created.groups.filter(name="role:reviewer").exists()
    assert not created.is_staff


def test_credit_office_uses_the_admin_in_chinese(client, credit_office_user):
    client.force_login(credit_office_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "信用主体" in page and "部门" in page and "审计日志" in page
    for name in (
        "accounts_department_changelist",
        "accounts_unit_changelist",
        "accounts_user_changelist",
        "subjects_subject_changelist",
        "audit_auditlog_changelist",
    ):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name


def test_department_staff_are_kept_out_of_the_admin(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_login_page_is_chinese_and_home_shows_the_role(client, clerk):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page and "用户名" in page
    client.force_login(clerk)
    home = client.get(reverse("home")).content.decode()
    assert "部门录入员" in home and "发展和改革委员会" in home


def test_navigation_follows_the_role(client, clerk, credit_office_user):
    client.force_login(clerk)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(credit_office_user)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.SUBJECT, None))
    page = client.get(reverse("home")).content.decode()
    assert reverse("subjects:list") not in page and "尚未关联" in page
