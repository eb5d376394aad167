import pytest

from accounts.models import Role
from commitments.services import commitment_template_create
from tests.factories import make_company, make_user


@pytest.fixture
def firm(db):
    return make_company("西峡县宏达建筑工程有限公司")


@pytest.fixture
def other_firm(db):
    return make_company("西峡县远航物流有限公司")


@pytest.fixture
def firm_user(firm):
    return make_user(Role.SUBJECT, None, username="hongda", subject=firm)


@pytest.fixture
def other_firm_user(other_firm):
    return make_user(Role.SUBJECT, None, username="yuanhang", subject=other_firm)


@pytest.fixture
def other_reviewer(db):
    return make_user(Role.REVIEWER, "fgw", username="fgw-reviewer-2")


@pytest.fixture
def scjg_reviewer(db):
    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")


@pytest.fixture
def template(clerk):
    return commitment_template_create(
        actor=clerk,
        matter="企业投资项目备案",
        title="企业投资项目备案信用承诺书",
        text="本单位承诺所提交材料真实有效，并在规定期限内补齐容缺材料。",
        materials_working_days=10,
    )
