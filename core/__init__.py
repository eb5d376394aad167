"""The bottom layer: what every app shares and nothing domain-specific.

No module here imports another app of this project — except the workflow kernel (``core.workflow``),
which writes through the audit app (the ``StatusChange`` base it fills, ``audit_log_write``); audit
stands below every workflow app. Every app may import from here.
"""
