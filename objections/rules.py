"""Loaded by rules' autodiscovery so the objection permissions exist at start-up."""

from . import permissions  # noqa: F401
