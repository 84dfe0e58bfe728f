"""The regulation table and its queries: dates on the real table, window logic, matrix, errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_matrix_counts_undated_rows_only_from_their_verification_date(table):
    seen = table.set_index("id").loc["fi-findata", "last_verified"].date()
    assert regulation.matrix(seen, table=table).loc["FI", "privacy_anonymity"] == "guidance"
    assert regulation.matrix(seen - dt.timedelta(days=1), table=table).loc["FI", "privacy_anonymity"] == "none"


def test_matrix_codes_order():
    m = pd.DataFrame({"a": ["none", "guidance"], "b": ["binding", "none"]})
    codes = regulation.matrix_codes(m)
    assert codes.to_numpy().tolist() == [[0, 2], [1, 0]]
    with pytest.raises(ValueError, match="m: cells"):
        regulation.matrix_codes(pd.DataFrame({"a": ["maybe"]}))


def test_last_verified_is_the_latest_row_date(table):
    assert regulation.last_verified(table=table) == max(table["last_verified"]).date()
    # every row carries its own date, none later than the dataset's access date
    accessed = dt.date.fromisoformat(str(data.load_schema("regulation")["origin"]["date_accessed"]))
    assert table["last_verified"].notna().all()
    assert (table["last_verified"].dt.date <= accessed).all()
    assert data.evidence_as_of("regulation") == accessed.isoformat()


def test_binding_column_matches_instrument_kind(table):
    guidance = table[table["binding"] == "no"]
    assert {"us-nist-ai-100-4", "eu-edpb-28-2024", "sg-pdpc-guide", "uk-ico-synthetic"} <= ids(guidance)
    assert (table.loc[table["jurisdiction"] == "OECD", "binding"] == "no").all()


def test_rows_not_seen_in_primary_say_why_and_what_was_searched(table):
    weak = table[table["evidence"] != "seen_primary"]
    assert len(weak) > 0
    assert weak["note"].notna().all()
    assert weak["searched"].notna().all() and (weak["searched"].str.len() > 20).all()


# --- dates and errors ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-08-02", "2026-08-02"),
        ("2025-08", "2025-08-31"),
        ("2024-02", "2024-02-29"),
        ("2024", "2024-12-31"),
        ("9999-12", "9999-12-31"),
        ("0001-01-01", "0001-01-01"),
        (dt.date(2025, 1, 20), "2025-01-20"),
        (pd.Timestamp("2025-01-20 13:45"), "2025-01-20"),
        (np.datetime64("2262-04-12"), "2262-04-12"),
    ],
)
def test_parse_date(value, expected):
    assert regulation.parse_date(value) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "tomorrow", "", "26-08-02", "2026/08/02",
                                 "0000-01-01", "20260802", "2026-8-2", "2026-08-02T00:00"])
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


# --- issue 12: the 2025-2026 rows, dates from 1 to 9999, safe ids ------------------------------

def test_acceptance_dates(table):
    today = ids(regulation.in_force("2026-11-26", table=table))
    assert {"in-it-rules-sgi", "kr-ai-basic-act", "eu-aia-50-2", "eu-aia-50-4"} <= today
    assert not {"eu-aia-50-2", "eu-aia-50-4"} & ids(regulation.in_force("2025-06-01", table=table))
    far = regulation.in_force("9999-12-31", table=table)
    no_end = table[table["applies"].notna() & table["ends"].isna()]
    assert ids(far) == ids(no_end)
    assert far["ends"].isna().all()


@pytest.mark.parametrize(
    "row_id, applies, day_before_excluded",
    [
        ("eu-omni-art5-ncii", "2026-12-02", True),
        ("eu-aia-50-4", "2026-08-02", True),
        ("eu-aia-101", "2026-08-02", True),
        ("eu-cop-labelling", "2026-06-10", True),
        ("eu-gpai-cop", "2025-07-10", True),
        ("eu-gpai-guidelines", "2025-07-18", True),
        ("eu-omnibus", "2026-07-27", True),
        ("in-it-rules-sgi", "2026-02-20", True),
        ("kr-ai-basic-act", "2026-01-22", True),
        ("us-ca-sb53", "2026-01-01", True),
        ("us-ny-raise", "2027-01-01", True),
        ("jp-ai-promotion", "2025-06-04", True),
    ],
)
def test_new_rows_start_applying_on_their_date(table, row_id, applies, day_before_excluded):
    assert table.set_index("id").loc[row_id, "applies"] == pd.Timestamp(applies)
    day = dt.date.fromisoformat(applies)
    assert row_id in ids(regulation.in_force(day, table=table))
    assert row_id not in ids(regulation.in_force(day - dt.timedelta(days=1), table=table))


def test_art_113_row_says_gpai_fines_start_in_2026(table):
    row = table.set_index("id").loc["eu-aia-113"]
    assert "Art. 101" in row["requirement"] and "2 Aug 2026" in row["requirement"]
    fines = table.set_index("id").loc["eu-aia-101"]
    assert fines["applies"] == pd.Timestamp("2026-08-02")
    assert "eu-aia-101" not in ids(regulation.in_force("2025-08-02", table=table))


def test_omnibus_dates_and_adoption(table):
    t = table.set_index("id")
    assert t.loc["eu-aia-10", "applies"] == pd.Timestamp("2027-12-02")
    assert t.loc["eu-aia-10-annex1", "applies"] == pd.Timestamp("2028-08-02")
    assert t.loc["eu-omni-50-2-grace", "applies"] == pd.Timestamp("2026-12-02")
    assert (t.loc[["eu-omnibus", "eu-omni-art5-ncii", "eu-omni-50-2-grace"], "adopted"] == pd.Timestamp("2026-07-08")).all()


def test_litigation_events_attach_to_ab2013(table):
    ev = regulation.events(table=table)
    assert set(ev["provision_id"]) == {"us-ca-ab2013"}
    denied = ev.set_index("id").loc["xai-v-bonta-pi-denied"]
    assert denied["kind"] == "ruling" and denied["day"] == pd.Timestamp("2026-03-05")
    # the ruling came after the complaint, and AB 2013 applies on both dates
    complaint = ev.set_index("id").loc["xai-v-bonta-complaint", "day"]
    assert complaint < denied["day"]
    assert "us-ca-ab2013" in ids(regulation.in_force(denied["day"], table=table))


def test_primary_share_target_is_reported_honestly(table):
    s = regulation.summary(table=table)
    assert s.n_rows == len(table)
    assert s.n_primary + s.n_secondary + s.n_recalled == s.n_rows
    assert s.n_primary == int((table["evidence"] == "seen_primary").sum())
    assert 0 < s.pct_primary < 100
    assert s.on == regulation.last_verified(table=table)


@pytest.mark.parametrize("day", ["1900-01-01", "2261-12-31", "2262-04-12", "2262-04-13", "5000-06-30", "9999-12-31"])
def test_in_force_beyond_nanosecond_timestamp_range(table, day):
    got = ids(regulation.in_force(day, table=table))
    d = dt.date.fromisoformat(day)
    expected = {r.id for r in table.itertuples()
                if pd.notna(r.applies) and r.applies.date() <= d and (pd.isna(r.ends) or d < r.ends.date())}
    assert got == expected
    if day >= "2262":
        assert got == ids(regulation.in_force("9999-12-31", table=table))


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_in_force_matches_row_definition_for_any_date(day):
    t = _TABLE
    expected = {r.id for r in t.itertuples()
                if pd.notna(r.applies) and r.applies.date() <= day and (pd.isna(r.ends) or day < r.ends.date())}
    assert ids(regulation.in_force(day, table=t)) == expected
    assert ids(regulation.in_force(day.isoformat(), table=t)) == expected


_TABLE = regulation.provisions()


@pytest.mark.parametrize("bad", ['x" onmouseover="alert(1)', "Reg-1", "-x", "a b", "a<b>", ""])
def test_bad_ids_are_refused_and_never_reach_html(table, bad):
    with pytest.raises(ValueError, match="row_id"):
        regulation.anchor(bad)
    rows = table.head(2).copy()
    rows.loc[rows.index[0], "id"] = bad
    with pytest.raises(ValueError, match="not a valid provision id"):
        regulation.html_table(rows, ["id", "requirement"], anchors=True)
    # without anchors the id is only cell text, and it is escaped
    out = regulation.html_table(rows, ["id", "requirement"])
    assert "onmouseover=\"" not in out and "<b>" not in out


def test_all_ids_in_table_match_pattern(table):
    assert all(regulation.ID_PATTERN.match(i) for i in table["id"])
    assert all(regulation.ID_PATTERN.match(i) for i in regulation.events(table=table)["id"])


def test_loader_refuses_an_injected_id(tmp_path, monkeypatch):
    import shutil
    for name in ("regulation.csv", "regulation.schema.yml"):
        shutil.copy(data.DATA_DIR / name, tmp_path / name)
    text = (tmp_path / "regulation.csv").read_text(encoding="utf-8").replace("eu-aia-113,", '"x"" onmouseover=""alert(1)",', 1)
    (tmp_path / "regulation.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    # the CSV loader itself refuses it now (the schema declares the id pattern), naming file, line and column
    with pytest.raises(ValueError, match=r"^regulation\.csv, row 1 \(line 2\), column 'id': .* does not match the column's pattern"):
        regulation.provisions()


def test_public_functions_declare_constraints():
    from analysis.validation import constraints_of
    for name in ("parse_date", "check_id", "last_verified", "provisions", "in_force", "changes_between", "matrix",
                 "matrix_codes", "summary", "events", "timeline_events", "display_table", "anchor", "html_table"):
        assert constraints_of(getattr(regulation, name)) is not None, name


def test_summary_is_typed():
    s = regulation.summary("2026-11-26")
    assert isinstance(s, regulation.RegulationSummary)
    assert s.on == dt.date(2026, 11, 26)
    with pytest.raises(ValueError, match="^on: "):
        regulation.summary("26/11/2026")


def test_the_schema_and_the_package_list_the_same_jurisdictions():
    # a jurisdiction added to one list and not the other would be refused on load or left off the heat map
    allowed = data.load_schema("regulation")["columns"]["jurisdiction"]["allowed"]
    assert list(allowed) == list(regulation.JURISDICTIONS)
