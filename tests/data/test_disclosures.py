"""Disclosed uses of synthetic data: every row says how it was disclosed, and the template rows are sourced."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import loader as data


@pytest.fixture(scope="module")
def usage() -> pd.DataFrame:
    return data.load("synthetic_data_usage")


def test_every_row_has_a_disclosure_channel(usage):
    allowed = set(data.load_schema("synthetic_data_usage")["columns"]["disclosure_channel"]["allowed"])
    assert usage["disclosure_channel"].notna().all()
    assert set(usage["disclosure_channel"]) <= allowed
    assert {"legal_template_eu", "voluntary"} <= set(usage["disclosure_channel"])


def test_leads_of_2025_2026_are_in_the_table(usage):
    names = " ".join(usage["name"])
    for needle in ("Phi-4-reasoning", "Phi-4-mini-reasoning", "Claude", "Nemotron-CC", "Kimi K2", "Qwen3"):
        assert needle in names, needle


def test_template_rows_quote_the_summary_or_its_assessment(usage):
    eu = usage[usage["disclosure_channel"] == "legal_template_eu"]
    assert eu["quote"].notna().all()
    # a generator named in a template row is one the summary itself names (read in the primary text)
    named = eu[eu["generator"].notna()]
    assert (named["evidence"] == "seen_primary").all()


def test_computed_share_matches_its_published_totals(usage):
    row = usage.set_index("name").loc["Nemotron-CC"]
    assert row["synthetic_tokens"] == pytest.approx(1.9e12)
    assert row["synthetic_share"] == pytest.approx(1.9 / 6.3, abs=5e-5)
