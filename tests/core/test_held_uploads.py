"""Uploads kept across a form's errors (core.files): a day's token, then deleted by the daily purge."""

import datetime

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from core.files import held_uploads_purge, upload_held, upload_hold
from creditreg.tasks import purge_held_uploads
from tests.factories import make_user


def test_a_kept_upload_serves_its_user_for_a_day_and_is_then_purged(db):
    # Storage outlives a test: files other tests kept go first.
    held_uploads_purge(now=timezone.now() + datetime.timedelta(days=3))
    clerk = make_user(Role.CLERK, "fgw", username="held-clerk")
    other = make_user(Role.CLERK, "fgw", username="held-other")
    token = upload_hold(user=clerk, uploaded=SimpleUploadedFile("证据.pdf", b"%PDF-1.4 x"))
    assert upload_held(user=clerk, token=token).read() == b"%PDF-1.4 x"
    assert upload_held(user=other, token=token) is None and upload_held(user=clerk, token="forged") is None
    assert held_uploads_purge() == 0  # not a day old yet
    assert purge_held_uploads.delay().get() == 0
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    assert held_uploads_purge(now=later) == 1
    assert default_storage.listdir("held")[1] == [] and upload_held(user=clerk, token=token) is None
