"""The cluster's kernel: what every other package may build on, and nothing it builds on.

``core`` imports Django and Wagtail only. ``sites`` (the cluster) builds on it, the
editorial apps (``cms.*``) on both, and ``search`` on all of them.
"""
