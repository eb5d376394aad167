import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token

from accounts.models import User
from creditreg.demo import demo_load
from objections.services import objection_file
from records.models import CreditRecord, RecordStatus
from repair.services import repair_apply

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, called in this thread inside the test's transaction: as
    Django's test client does, requests do not close the connection (that would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo(db):
    """The demo data (SPEC §7 accounts), plus an objection and a repair application of the demo
    subject, so that the detail endpoints have real objects to answer for."""
    demo_load()
    subject_user = User.objects.get(username="demo_subject")
    record = CreditRecord.objects.filter(subject=subject_user.subject, status=RecordStatus.EFFECTIVE).first()
    objection = objection_file(
        actor=subject_user,
        record=record,
        reasons="处罚对象认定错误。",
        files=[SimpleUploadedFile("证明材料.pdf", PDF, content_type="application/pdf")],
    )
    application = repair_apply(
        actor=subject_user,
        record=record,
        statement="已全额缴纳罚款并完成整改。",
        proofs=[("commitment", SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf"))],
        today=record.decision_date + datetime.timedelta(days=3 * 366),
    )
    return {"record": record, "objection": objection, "repair_application": application}


def token_headers(username: str | None) -> dict:
    if not username:
        return {}
    token, _created = Token.objects.get_or_create(user=User.objects.get(username=username))
    return {"Authorization": f"Token {token.key}"}
