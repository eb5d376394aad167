"""The bottom layer: what every app shares and nothing domain-specific.

No module here imports another app of this project; every app may import from here.
"""
