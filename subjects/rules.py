"""Loaded by rules' autodiscovery so the registry permissions exist at start-up."""

from . import permissions  # noqa: F401
