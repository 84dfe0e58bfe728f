"""The publishing layer, outside the science: glue into the prose (:mod:`~analysis.publish.glue`), figures (:mod:`~analysis.publish.plotting`), provenance, tables, labels, the claims ledger, freshness dates, the explorer's grids and the regulation cards.
"""
