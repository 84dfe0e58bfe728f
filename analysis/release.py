"""Deprecated path: the release tooling moved to ``tools/release.py`` in 0.5; this path is removed in 0.6."""

from analysis._compat import moved

moved(__name__)
