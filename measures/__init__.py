"""Incentive and punishment measures tied to grades, red and black lists (SPEC §4).

Filled by the measures issue."""
