import pytest

from accounts.models import Role, User
from creditreg.demo import DEMO_PASSWORD, demo_load
from subjects.models import Subject, SubjectKind

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_kind_and_role_and_loads_twice_without_duplicates():
    report = demo_load()
    assert report.total_subjects >= 200
    kinds = set(Subject.objects.values_list("kind", flat=True))
    assert kinds == set(SubjectKind.values)
    assert set(User.objects.values_list("role", flat=True)) >= {Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE}
    officer = User.objects.get(username="xyb_staff")
    assert officer.check_password(DEMO_PASSWORD) and officer.is_staff
    organisations = Subject.objects.exclude(kind=SubjectKind.NATURAL_PERSON)
    assert not organisations.filter(legal_representative__isnull=True).exists()
    from records.models import CreditRecord

    assert report.created_records == 48
    assert set(CreditRecord.objects.values_list("status", flat=True)) == {"draft", "submitted", "effective"}
    portal = User.objects.get(username="demo_subject")
    assert portal.role == Role.SUBJECT and portal.subject.records.filter(status="effective").exists()
    again = demo_load()
    assert again.created_subjects == 0 and again.total_subjects == report.total_subjects
    assert again.created_records == 0
