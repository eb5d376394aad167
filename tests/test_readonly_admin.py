"""Rows that only services write are read-only in the admin, even for a superuser: every change goes
through the service that audits it (SPEC §6)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accesslog.models import AccessEntry
from accounts.models import Role
from audit.models import AuditHead, AuditLog
from commitments.models import Commitment, CommitmentTemplate, VoluntaryEntry
from documents.models import Document
from inspections.models import Inspection, InspectionPlan
from measures.models import MeasureApplication
from objections.models import Objection
from records.models import CreditRecord, ImportBatch
from tests.factories import make_user

READ_ONLY = [
    AccessEntry,
    AuditHead,
    AuditLog,
    Commitment,
    CommitmentTemplate,
    Document,
    VoluntaryEntry,
    MeasureApplication,
    Objection,
    CreditRecord,
    ImportBatch,
    InspectionPlan,
    Inspection,
]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_no_add_change_or_delete_in_the_admin(model, db):
    superuser = make_user(Role.CREDIT_OFFICE, "xyb", username="root-admin")
    superuser.is_superuser = True
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
