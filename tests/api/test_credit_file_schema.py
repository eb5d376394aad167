"""The credit file's API answers as ``/api/schema/`` says (status codes, bodies), for each role."""

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User

from .conftest import token_headers

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PATH = "/api/subjects/{code}/file/"


@pytest.fixture
def api(wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)

    def call(*, user: str | None = None, **case):
        operation = schema[PATH]["GET"]
        return operation.Case(**case).call_and_validate(headers=token_headers(user), checks=CHECKS)

    return call


def test_every_answer_of_the_credit_file_is_as_the_schema_says(demo, api):
    code = User.objects.get(username="demo_subject").subject.code
    ok = api(user="scjg_clerk", path_parameters={"code": code}, query={"purpose": "supervision"})
    assert ok.status_code == 200 and ok.json()["records"]["count"] >= 1
    ok = api(
        user="xyb_staff", path_parameters={"code": code}, query={"purpose": "other", "purpose_detail": "核查"}
    )
    assert ok.status_code == 200
    assert api(user="fgw_reviewer", path_parameters={"code": code}, query={"purpose": "x"}).status_code == 400
    assert (
        api(user="fgw_clerk", path_parameters={"code": "nope"}, query={"purpose": "other"}).status_code == 404
    )
    assert (
        api(user="demo_subject", path_parameters={"code": code}, query={"purpose": "other"}).status_code
        == 403
    )
    assert api(path_parameters={"code": code}, query={"purpose": "other"}).status_code == 403
