"""Deprecated path: moved to :mod:`analysis.core.trend` in 0.5, removed in 0.6."""

from analysis._compat import moved

moved(__name__)
