"""Objections, credit repair and credit commitments of subjects (SPEC §5). Filled by the objections issue."""
