import pytest

from accounts.models import Role
from subjects.selectors import subject_search, subject_visible_code, subjects_visible_to
from tests.factories import make_company, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    person = make_person("周九")
    firm = make_company("西峡县丹江香菇种植有限公司", rep=(person.code, "周九"))
    other = make_company("西峡县伏牛建材有限公司")
    return {"person": person, "firm": firm, "other": other}


def test_staff_see_the_whole_registry(registry, clerk, reviewer, credit_office_user):
    for user in (clerk, reviewer, credit_office_user):
        assert subjects_visible_to(user=user).count() == 3


def test_subject_user_sees_only_its_own_subject(registry):
    user = make_user(Role.SUBJECT, None, subject=registry["firm"])
    assert list(subjects_visible_to(user=user)) == [registry["firm"]]
    unlinked = make_user(Role.SUBJECT, None)
    assert not subjects_visible_to(user=unlinked).exists()


def test_search_by_exact_code_or_part_of_the_name(registry, clerk):
    assert list(subject_search(user=clerk, q=registry["other"].code.lower())) == [registry["other"]]
    assert list(subject_search(user=clerk, q="香菇")) == [registry["firm"]]
    assert set(subject_search(user=clerk, q="西峡县")) == {registry["firm"], registry["other"]}
    assert list(subject_search(user=clerk, q="周九", kind="natural_person")) == [registry["person"]]
    assert not subject_search(user=clerk, q="不存在的名字").exists()


def test_identity_numbers_are_masked_unless_the_role_needs_them(
    registry, clerk, reviewer, credit_office_user
):
    person, firm = registry["person"], registry["firm"]
    masked = person.code[:6] + "********" + person.code[-4:]
    assert subject_visible_code(user=clerk, subject=person) == masked
    assert subject_visible_code(user=reviewer, subject=person) == person.code
    assert subject_visible_code(user=credit_office_user, subject=person) == person.code
    own = make_user(Role.SUBJECT, None, subject=person)
    assert subject_visible_code(user=own, subject=person) == person.code
    # Organisation codes are public information.
    assert subject_visible_code(user=clerk, subject=firm) == firm.code
