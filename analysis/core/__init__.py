"""The shared core: parameter validation (one declaration per function), trend statistics.
"""
