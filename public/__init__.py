"""Public pages and the public look-up API: no login, only what is published (SPEC §7, 004 §6(1))."""
