"""The regulation table and its queries: dates on the real table, window logic, matrix, errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import data, regulation

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "05_regulation.md"


@pytest.fixture(scope="module")
def table():
    return regulation.provisions()


def ids(df):
    return set(df["id"])


# --- the real table -------------------------------------------------------------------------

def test_table_is_large_enough_and_covers_the_jurisdictions(table):
    assert len(table) >= 25
    assert set(regulation.JURISDICTIONS) == set(table["jurisdiction"])
    assert set(table["topic"]) == set(regulation.TOPICS)


def test_eo_14110_in_force_mid_2024_not_mid_2025(table):
    assert "us-eo14110" in ids(regulation.in_force("2024-06-01", table=table))
    assert "us-eo14110" not in ids(regulation.in_force("2025-06-01", table=table))
    # revoked on 20 Jan 2025: in force the day before, not on the day
    assert "us-eo14110" in ids(regulation.in_force("2025-01-19", table=table))
    assert "us-eo14110" not in ids(regulation.in_force("2025-01-20", table=table))


def test_art_50_2_labelling_not_before_its_application_date(table):
    applies = table.set_index("id").loc["eu-aia-50-2", "applies"]
    assert applies == pd.Timestamp("2026-08-02")
    assert "eu-aia-50-2" not in ids(regulation.in_force(applies - pd.Timedelta(days=1), table=table))
    assert "eu-aia-50-2" in ids(regulation.in_force(applies, table=table))


def test_provision_repealed_before_applying_is_never_in_force(table):
    row = table.set_index("id").loc["eu-aia-10-5a"]
    assert row["ends"] < row["applies"]
    for day in pd.date_range("2024-01-01", "2030-01-01", freq="MS"):
        assert "eu-aia-10-5a" not in ids(regulation.in_force(day, table=table))
    window = regulation.changes_between("2026-01-01", "2027-01-01", table=table)
    starts = window[window["change"] == "starts applying"]
    assert "eu-aia-10-5a" not in set(starts["id"])


def test_postponed_rows_apply_later_than_originally(table):
    moved = table[table["applies_original"].notna()]
    assert {"eu-aia-10", "eu-aia-57", "us-ca-sb942"} <= ids(moved)
    assert (moved["applies"] > moved["applies_original"]).all()


def test_ai_act_not_applying_before_entry_into_force(table):
    eu = regulation.in_force("2024-07-31", table=table)
    assert not any(i.startswith("eu-aia") for i in eu["id"])
    assert "eu-aia-113" in ids(regulation.in_force("2024-08-01", table=table))


def test_in_force_equals_row_by_row_definition(table):
    """The vectorised filter agrees with the definition applied to each row separately."""
    for day in pd.date_range("2015-01-01", "2030-01-01", freq="QS"):
        expected = {
            r.id for r in table.itertuples()
            if pd.notna(r.applies) and r.applies <= day and (pd.isna(r.ends) or day < r.ends)
        }
        got = regulation.in_force(day, table=table)
        assert ids(got) == expected
        # rows come ordered by jurisdiction, application date and id
        assert got.equals(got.sort_values(["jurisdiction", "applies", "id"]).reset_index(drop=True))


def test_changes_between_counts_every_dated_change_once(table):
    """Split a long window into consecutive pieces: the pieces' changes add up to the whole."""
    whole = regulation.changes_between("2015-01-01", "2030-01-01", table=table)
    edges = pd.date_range("2015-01-01", "2030-01-01", freq="YS")
    parts = pd.concat(
        [regulation.changes_between(a, b, table=table) for a, b in zip(edges[:-1], edges[1:])],
        ignore_index=True,
    )
    assert len(parts) == len(whole)
    n_applies = int((table["applies"].notna() & (table["ends"].isna() | (table["ends"] > table["applies"]))).sum())
    n_ends = int(table["ends"].notna().sum())
    assert len(whole) == n_applies + n_ends


def test_window_is_half_open(table):
    day = "2026-08-02"
    assert "eu-aia-50-2" not in ids(regulation.changes_between(day, "2026-12-31", table=table))
    assert "eu-aia-50-2" in ids(regulation.changes_between("2026-08-01", day, table=table))


def test_matrix_reflects_revocation_and_binding(table):
    before = regulation.matrix("2024-06-01", table=table)
    after = regulation.matrix("2025-06-01", table=table)
    # EO 14110 was the only binding US federal labelling row; NIST AI 100-4 (guidance) remains
    assert before.loc["US", "labelling"] == "binding"
    assert after.loc["US", "labelling"] == "guidance"
    assert after.loc["US-CA", "training_data_transparency"] == "binding"
    assert after.loc["SG", "privacy_anonymity"] == "guidance"
    assert list(after.index) == list(regulation.JURISDICTIONS)
    assert list(after.columns) == list(regulation.TOPICS)


def test_matrix_counts_undated_rows_only_from_verification_date(table):
    asof = regulation.last_verified()
    assert regulation.matrix(asof, table=table).loc["FI", "privacy_anonymity"] == "guidance"
    assert regulation.matrix(asof - pd.Timedelta(days=1), table=table).loc["FI", "privacy_anonymity"] == "none"


def test_matrix_codes_order():
    m = pd.DataFrame({"a": ["none", "guidance"], "b": ["binding", "none"]})
    codes = regulation.matrix_codes(m)
    assert codes.to_numpy().tolist() == [[0, 2], [1, 0]]
    with pytest.raises(ValueError, match="m: cells"):
        regulation.matrix_codes(pd.DataFrame({"a": ["maybe"]}))


def test_last_verified_is_a_fixed_date_in_the_schema():
    schema = data.load_schema("regulation")
    assert regulation.last_verified() == pd.Timestamp(str(schema["last_verified"]))


def test_binding_column_matches_instrument_kind(table):
    guidance = table[table["binding"] == "no"]
    assert {"us-nist-ai-100-4", "eu-edpb-28-2024", "sg-pdpc-guide", "uk-ico-synthetic"} <= ids(guidance)
    assert (table.loc[table["jurisdiction"] == "OECD", "binding"] == "no").all()


def test_rows_not_seen_in_primary_say_why(table):
    weak = table[table["evidence"] != "seen_primary"]
    assert len(weak) > 0
    assert weak["note"].notna().all()


# --- dates and errors ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-08-02", "2026-08-02"),
        ("2025-08", "2025-08-31"),
        ("2024-02", "2024-02-29"),
        ("2024", "2024-12-31"),
        (dt.date(2025, 1, 20), "2025-01-20"),
        (pd.Timestamp("2025-01-20 13:45"), "2025-01-20"),
    ],
)
def test_parse_date(value, expected):
    assert regulation.parse_date(value) == pd.Timestamp(expected)


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "tomorrow", "", "26-08-02", "2026/08/02"])
def test_unparseable_dates_raise_value_error_naming_the_parameter(bad):
    with pytest.raises(ValueError, match=r"^on: "):
        regulation.in_force(bad)
    with pytest.raises(ValueError, match=r"^start: "):
        regulation.changes_between(bad, "2027-01-01")


@pytest.mark.parametrize("bad", [None, True, 20260802, 2026.5])
def test_wrong_types_raise_type_error(bad):
    with pytest.raises(TypeError, match=r"^on: "):
        regulation.in_force(bad)


def test_reversed_window_is_refused():
    with pytest.raises(ValueError, match="end: 2025-01-01 is before start 2026-01-01"):
        regulation.changes_between("2026-01-01", "2025-01-01")


def test_table_argument_is_checked():
    with pytest.raises(TypeError, match="table"):
        regulation.in_force("2026-01-01", table=[1, 2])
    with pytest.raises(ValueError, match="table: missing column"):
        regulation.in_force("2026-01-01", table=pd.DataFrame({"id": ["x"]}))


def test_html_table_escapes_and_anchors(table):
    primary = table["evidence"] == "seen_primary"
    rows = pd.concat([table[primary].head(2), table[~primary].head(2)]).copy()
    rows.loc[rows.index[0], "requirement"] = "a <b> & c"
    out = regulation.html_table(rows, ["id", "requirement", "applies", "ends", "evidence"], anchors=True)
    assert "a &lt;b&gt; &amp; c" in out
    for i in rows["id"]:
        assert f'id="reg-{i}"' in out
    assert "nan" not in out.lower().split() and "NaT" not in out
    # rows not read in the primary text are shaded, the others are not
    weak = rows["evidence"] != "seen_primary"
    assert out.count('class="reg-unverified" style="background-color:') == int(weak.sum()) == 2


# --- the chapter links every checklist item to an existing row -------------------------------

def test_chapter_links_point_to_existing_rows(table):
    text = CHAPTER.read_text(encoding="utf-8")
    linked = set(re.findall(r'href="#reg-([a-z0-9-]+)"', text))
    assert len(linked) >= 8, "the checklist should link its items to provision rows"
    assert linked <= ids(table), f"links to unknown rows: {sorted(linked - ids(table))}"
