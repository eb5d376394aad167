"""A subject user never reads another subject's data (SPEC §6): every URL of the project and every API,
tried as a subject user with the ids and codes of another subject's objects, by GET and by POST."""

import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from audit.models import AuditLog
from grading.models import Grade
from grading.services import regrade_subjects
from objections.models import Objection
from objections.services import objection_file
from records.evidence import evidence_attach
from records.models import CreditRecord
from records.services import record_approve, record_create, record_submit
from tests.records.conftest import penalty_input

from .conftest import pdf

pytestmark = pytest.mark.django_db

SLUGS = [
    "submit",
    "approve",
    "return",
    "revoke",
    "repair",
    "accept",
    "uphold",
    "partly-uphold",
    "reject",
    "verify",
    "administrative_penalty",
    "general",
    "penalty",
]


def _routes(resolver=None, prefix=""):
    """Every route of the project as (route with converters, pattern), admin's regex routes aside."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + entry.pattern._route
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def world(subject_user, record, other_user, other_firm, other_record, clerk, reviewer):
    """Another subject with a record, evidence, a grade, an objection with a file — all to be hidden."""
    draft = record_create(
        actor=clerk, subject=other_firm, data=penalty_input(document_number="西发改罚〔2026〕98号")
    )
    evidence_attach(actor=clerk, record=draft, uploaded=pdf("他人证据.pdf"))
    record_submit(actor=clerk, record=draft)
    record_approve(actor=reviewer, record=draft)
    regrade_subjects(subject_ids=[other_firm.pk, record.subject_id])
    grade = Grade.objects.filter(subject=other_firm).first()
    objection = objection_file(
        actor=other_user, record=other_record, reasons="OTHER-SECRET-REASON", files=[pdf("他人异议.pdf")]
    )
    grade_objection = objection_file(actor=other_user, grade=grade, reasons="OTHER-SECRET-GRADE")
    return {
        "ids": sorted(
            {
                other_firm.pk,
                other_firm.legal_representative_id,
                other_record.pk,
                draft.pk,
                draft.evidence.get().pk,
                grade.pk,
                objection.pk,
                grade_objection.pk,
                objection.evidence.get().pk,
            }
        ),
        "code": other_firm.code,
        "secrets": [
            other_firm.name,
            other_firm.code,
            other_firm.legal_representative.code,
            other_firm.legal_representative.name,
            other_record.document_number,
            draft.document_number,
            "OTHER-SECRET-REASON",
            "OTHER-SECRET-GRADE",
            "他人异议.pdf",
            "他人证据.pdf",
        ],
    }


# Pages for the public, which show anyone what is published (tests/public, tests/commitments).
PUBLIC_ROUTES = ("public/", "api/public/", "commitments/public/")


def _urls(world):
    for route in _routes():
        if route.startswith(PUBLIC_ROUTES):
            continue
        params = PARAM.findall(route)
        choices = []
        for converter, _name in params:
            if converter == "int":
                choices.append([str(i) for i in world["ids"]])
            elif converter == "slug":
                choices.append(SLUGS)
            else:  # str / path: an object id of the admin, or a code
                choices.append([str(i) for i in world["ids"]] + [world["code"], world["code"].lower()])
        if route.startswith("admin/"):
            # The admin answers any account without staff status with its login page before it looks
            # at the object, so one id and one code per route are enough there.
            choices = [[c[0], c[-1]] for c in choices]
        for combo in itertools.product(*choices) if choices else [()]:
            url = route
            for value in combo:
                url = PARAM.sub(value, url, count=1)
            yield "/" + url


def _state():
    return (
        list(CreditRecord.objects.order_by("pk").values_list("pk", "status", "under_objection")),
        list(Objection.objects.order_by("pk").values_list("pk", "status")),
        AuditLog.objects.count(),
    )


def test_every_url_and_api_hides_other_subjects_from_a_subject_user(client, world, subject_user, record):
    client.force_login(subject_user)
    own = client.get("/portal/").content.decode()
    assert record.document_number in own and record.subject.name in own  # the check can see data
    before = _state()
    tried = 0
    for url in _urls(world):
        if url == "/accounts/logout/":  # would end the session the test is about
            continue
        # Admin pages answer a non-staff account with the login page whatever the method.
        for method in ("get",) if url.startswith("/admin/") else ("get", "post"):
            response = getattr(client, method)(url, follow=False)
            tried += 1
            assert response.status_code < 500, (method, url, response.status_code)
            if response.status_code in (301, 302):
                location = response["Location"]
                assert not any(secret in location for secret in world["secrets"][:1]), (method, url, location)
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", errors="replace")
            for secret in world["secrets"]:
                assert secret not in text, (method, url, response.status_code, secret)
    assert tried > 400, tried
    assert _state() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/subjects/",
        "/api/records/",
        "/api/records/review-queue/",
        "/api/objections/",
        "/subjects/",
        "/records/",
        "/objections/",
        "/admin/records/creditrecord/",
        "/admin/objections/objection/",
    ],
)
def test_list_pages_and_apis_show_a_subject_user_nothing_of_others(client, world, subject_user, url):
    client.force_login(subject_user)
    response = client.get(url)
    assert response.status_code in (200, 302, 403)
    for secret in world["secrets"]:
        assert secret not in response.content.decode()


def test_the_objections_api_lists_only_the_own_subject(client, world, subject_user, record):
    own = objection_file(actor=subject_user, record=record, reasons="本主体的异议")
    client.force_login(subject_user)
    data = client.get("/api/objections/").json()
    assert [row["id"] for row in data["results"]] == [own.pk]
    assert client.get(f"/api/objections/{own.pk}/").json()["reasons"] == "本主体的异议"
    others = Objection.objects.exclude(pk=own.pk)
    assert others.count() == 2
    for other in others:
        assert client.get(f"/api/objections/{other.pk}/").status_code == 404


def test_an_unverified_account_sees_no_subject(client, world):
    from objections.services import (
        subject_account_activate,
        subject_account_activation_token,
        subject_account_register,
    )

    from .conftest import PASSWORD

    account = subject_account_register(
        username="pending",
        password=PASSWORD,
        kind="legal_person",
        code=world["code"],
        name="冒名公司",
        contact_name="某人",
        phone="1",
        email="pending@example.cn",
    )
    uidb64, token = subject_account_activation_token(user=account.user)
    subject_account_activate(uidb64=uidb64, token=token)
    client.force_login(account.user)
    assert client.get("/api/objections/").json()["results"] == []
    page = client.get("/portal/").content.decode()
    assert "冒名公司" in page
    for secret in world["secrets"][2:]:
        assert secret not in page
