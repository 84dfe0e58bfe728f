"""The shared core: parameter validation (one declaration per function), confidence intervals (one type, one implementation each), trend statistics.
"""
