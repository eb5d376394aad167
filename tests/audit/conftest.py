"""The workflow kernel is tested on the apps' own workflows, with their fixtures."""

from tests.objections.conftest import firm, rep_number, subject_user  # noqa: F401
