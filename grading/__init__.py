"""Grading schemes, explained grades and evaluation runs (SPEC §3). Filled by the grading issue."""
