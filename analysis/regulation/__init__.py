"""Chapter 5, regulation: the rules table, its status on a date and its queries (:mod:`analysis.regulation.rules`).
"""

from analysis.regulation.rules import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    RegDate,
    RegulationSummary,
    anchor,
    changes_between,
    check_id,
    display_table,
    events,
    html_table,
    in_force,
    last_verified,
    matrix,
    matrix_codes,
    parse_date,
    provisions,
    rule_labels,
    status,
    status_changes,
    summary,
    timeline_events,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.regulation.rules import (  # noqa: F401
    BINDING_LABELS,
    DATASET,
    EVENTS_DATASET,
    EVIDENCE_LABELS,
    ID_PATTERN,
    INSTRUMENT_LABELS,
    JURISDICTIONS,
    JURISDICTION_LABELS,
    JURISDICTION_SHORT,
    MATRIX_LEVELS,
    PROVISION_LABELS,
    STATUSES,
    STATUS_BADGES,
    STATUS_LABELS,
    TOPICS,
    TOPIC_LABELS,
)

__all__ = ['RegDate', 'RegulationSummary', 'anchor', 'changes_between', 'check_id', 'display_table', 'events', 'html_table', 'in_force', 'last_verified', 'matrix', 'matrix_codes', 'parse_date', 'provisions', 'rule_labels', 'status', 'status_changes', 'summary', 'timeline_events']
