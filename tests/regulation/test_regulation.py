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

from analysis.data import loader as data
from analysis.regulation import rules as regulation

ROOT = Path(__file__).resolve().parents[2]
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
    from analysis.core.validation import constraints_of
    for name in ("parse_date", "check_id", "last_verified", "provisions", "in_force", "changes_between", "matrix",
                 "matrix_codes", "summary", "events", "timeline_events", "display_table", "anchor", "html_table"):
        assert constraints_of(getattr(regulation, name)) is not None, name


def test_summary_is_typed():
    s = regulation.summary("2026-11-26")
    assert isinstance(s, regulation.RegulationSummary)
    assert s.on == dt.date(2026, 11, 26)
    with pytest.raises(ValueError, match="^on: "):
        regulation.summary("26/11/2026")


# --- issue 24: status on a date, words instead of codes, the rule cards ----------------------

from analysis.publish import regulation_cards as regulation_html  # noqa: E402
from analysis.publish import labels as analysis_labels  # noqa: E402

AS_OF = regulation.last_verified()


def _status_by_definition(r, day):
    """The status of one row on ``day``, written out from the documented rules (not the vectorised code)."""
    def d(x):
        return None if pd.isna(x) else x.date()
    adopted, applies, ends = d(r.adopted), d(r.applies), d(r.ends)
    if ends is not None and ends <= day:
        return "ended"
    if applies is not None and applies <= day:
        return "in_force"
    if adopted is not None and adopted <= day:
        return "adopted"
    if adopted is not None or applies is not None:
        return "proposed"
    return "undated"


def _lookup(steps: pd.DataFrame, row_id: str, day: dt.date) -> str:
    """What the page's script does: the last step on or before ``day``."""
    out = None
    for since, code in steps.loc[steps["id"] == row_id, ["since", "status"]].itertuples(index=False):
        if pd.isna(since) or since.date() <= day:
            out = code
        else:
            break
    return out


def test_status_in_force_is_exactly_the_in_force_query(table):
    s = regulation.status(table, as_of=AS_OF)
    assert list(s.index) == list(table["id"])
    assert set(s[s == "in_force"].index) == ids(regulation.in_force(AS_OF, table=table))
    assert set(s) <= set(regulation.STATUSES)


def test_status_of_known_rows(table):
    def at(day, row_id):
        return regulation.status(table, as_of=day)[row_id]
    assert at("2024-06-12", "eu-aia-113") == "proposed"
    assert at("2024-06-13", "eu-aia-113") == "adopted"
    assert at("2024-08-01", "eu-aia-113") == "in_force"
    assert at("2024-06-01", "us-eo14110") == "in_force"
    assert at("2025-01-20", "us-eo14110") == "ended"          # revoked that day
    # deleted before it ever applied: ended from the deletion, never in force
    assert at("2026-07-26", "eu-aia-10-5a") == "adopted"
    assert at("2026-07-27", "eu-aia-10-5a") == "ended"
    assert at("2030-01-01", "eu-aia-10-5a") == "ended"
    assert at("2026-11-27", "eu-aia-10") == "adopted"         # postponed to December 2027
    assert at("2026-11-27", "fi-findata") == "undated"


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2031, 12, 31)))
def test_status_matches_its_definition_and_the_page_steps_for_any_date(day):
    t = _TABLE
    got = regulation.status(t, as_of=day)
    steps = regulation.status_changes(t)
    for r in t.itertuples():
        assert got[r.id] == _status_by_definition(r, day), (r.id, day)
        assert _lookup(steps, r.id, day) == got[r.id], (r.id, day)


def test_status_changes_only_on_the_rows_dates(table):
    steps = regulation.status_changes(table)
    first = steps.groupby("id", sort=False).head(1)
    assert first["since"].isna().all() and len(first) == len(table)
    for r in table.itertuples():
        dates = {x for x in (r.adopted, r.applies, r.ends) if pd.notna(x)}
        later = steps[(steps["id"] == r.id) & steps["since"].notna()]
        assert set(later["since"]) <= dates
        assert (later["status"].to_numpy()[1:] != later["status"].to_numpy()[:-1]).all()


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"as_of": "2026-13-01"}, ValueError, "as_of"),
        ({"as_of": "27/11/2026"}, ValueError, "as_of"),
        ({"as_of": 2026}, TypeError, "as_of"),
        ({"as_of": None}, TypeError, "as_of"),
        ({"rows": "regulation.csv", "as_of": "2026-11-27"}, TypeError, "rows"),
        ({"rows": pd.DataFrame({"id": ["x"]}), "as_of": "2026-11-27"}, ValueError, "rows"),
    ],
)
def test_status_and_the_cards_refuse_bad_input_naming_the_parameter(kwargs, exc, name):
    for func in (regulation.status, regulation_html.rules_html, regulation_html.overview_html):
        with pytest.raises(exc, match=f"^{name}: "):
            func(**kwargs)


def test_labels_cover_every_code_of_the_table(table):
    assert set(regulation.JURISDICTION_LABELS) == set(regulation.JURISDICTIONS) == set(regulation.JURISDICTION_SHORT)
    assert set(regulation.TOPIC_LABELS) == set(regulation.TOPICS)
    assert set(regulation.STATUS_LABELS) == set(regulation.STATUSES) == set(regulation.STATUS_BADGES)
    assert set(table["binding"]) <= set(regulation.BINDING_LABELS)
    assert set(table["evidence"]) <= set(regulation.EVIDENCE_LABELS)
    assert set(table["instrument"]) <= set(regulation.INSTRUMENT_LABELS), set(table["instrument"]) - set(regulation.INSTRUMENT_LABELS)
    # a provision without a short form must already be short enough for the one-line view
    long = [p for p in table["provision"] if p not in regulation.PROVISION_LABELS and len(p) > 30]
    assert not long, long
    every = [*regulation.JURISDICTION_LABELS.values(), *regulation.TOPIC_LABELS.values(),
             *regulation.STATUS_LABELS.values(), *regulation.EVIDENCE_LABELS.values(), *regulation.BINDING_LABELS.values()]
    assert not [w for w in every if "_" in w or w in regulation.TOPICS]


def test_rule_labels_are_words_and_tell_the_rules_apart(table):
    labels = regulation.rule_labels(table)
    assert labels["eu-aia-53-1d"] == "AI Act, Art. 53(1)(d)"
    assert not labels.duplicated().any(), labels[labels.duplicated(keep=False)]
    known = ids(table)
    assert not [x for x in labels if x in known or "_" in x]
    assert (labels.str.len() <= 45).all(), labels[labels.str.len() > 45]


def test_short_citations_read_as_author_year():
    cites = analysis_labels.short_citations()
    assert set(cites) == set(data.bib_keys())
    assert cites["euaiact2024"] == "European Parliament and Council of the European Union 2024"
    assert cites["blankvoort2026quality"] == "Blankvoort et al. 2026"           # three authors
    assert cites["cac2023interim"] == "Cyberspace Administration of China et al. 2023"  # "and others"
    assert cites["xai2026bonta"] == "X.AI LLC v. Bonta 2026"                  # no author: the title
    assert not [c for c in cites.values() if "{" in c or "\\" in c]


def test_bibliography_anchors_follow_the_sites_convention():
    # the site gives every bibliography entry the id ref-KEY (tools/cite_anchors.py); analysis.publish.labels links the same way
    from analysis.publish import labels

    for key in sorted(data.bib_keys())[:20]:
        assert regulation_html._anchor(key) == f"ref-{key}"
        assert f"#ref-{key}" in labels.citations_html(key)


def _visible_text(fragment: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []

        def handle_data(self, d):
            self.parts.append(d)

    p = Text()
    p.feed(fragment)
    return " ".join(p.parts)


def _codes_shown(text: str) -> list[str]:
    """Row ids, snake_case field names and codes, and BibTeX keys that appear as words in ``text``."""
    events = data.load("regulation_events")
    usage = data.load("synthetic_data_usage")
    words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.:-]*[A-Za-z0-9]", text))
    codes = set(_TABLE["id"]) | set(events["id"]) | set(data.bib_keys())
    codes |= {c for c in [*_TABLE.columns, *events.columns, *usage.columns] if "_" in c}
    # codes with an underscore (single-word topics such as "labelling" are ordinary words)
    codes |= {c for c in [*regulation.TOPICS, *regulation.EVIDENCE_LABELS] if "_" in c}
    codes |= {"regulation_events", "synthetic_data_usage"}
    codes |= {v for v in pd.unique(usage[["stage", "kind", "disclosure_channel"]].to_numpy().ravel()) if "_" in str(v)}
    return sorted(words & codes)


def test_cards_one_per_rule_with_status_labels_and_linked_sources(table):
    out = regulation_html.rules_html(table, as_of=AS_OF)
    s = regulation.status(table, as_of=AS_OF)
    for row_id in table["id"]:
        m = re.search(rf'<li class="reg-item"[^>]*data-status="(\w+)"[^>]*><details class="reg-card" id="reg-{row_id}">', out)
        assert m, row_id
        assert m.group(1) == s[row_id]
    assert out.count('<details class="reg-card"') == len(table)
    # sources: a short citation linked to the bibliography entry, never the key as text
    cites = analysis_labels.short_citations()
    for key in {k for src in table["source"] for k in src.split(";")}:
        assert f'href="../book/bibliography.html#ref-{key}">{cites[key]}</a>' in out.replace("&#x27;", "'"), key
    assert _codes_shown(_visible_text(out)) == []
    # the filter offers every jurisdiction and topic by name, with its count
    assert '<option value="EU">European Union (' in out
    assert '<option value="training_data_transparency">Training-data disclosure (' in out


def test_every_table_of_the_chapter_shows_words_not_codes(table):
    for fragment in (
        regulation_html.overview_html(table, as_of=AS_OF),
        regulation_html.changes_html(AS_OF, "2027-11-27", rows=table),
        regulation_html.events_html(),
        regulation_html.disclosures_html(),
        regulation_html.unverified_html(table),
    ):
        assert _codes_shown(_visible_text(fragment)) == []
        assert "nan" not in _visible_text(fragment).split() and "NaT" not in fragment


def test_cards_escape_the_data(table):
    rows = table.head(3).copy()
    rows.loc[rows.index[0], "requirement"] = 'a <script>alert(1)</script> & "b"'
    out = regulation_html.rules_html(rows, as_of=AS_OF)
    assert "<script>" not in out and "a &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in out
    bad = table.head(2).copy()
    bad.loc[bad.index[0], "id"] = 'x" onmouseover="alert(1)'
    with pytest.raises(ValueError, match="^rows: "):
        regulation_html.rules_html(bad, as_of=AS_OF)
    twice = pd.concat([table.head(1), table.head(1)])
    with pytest.raises(ValueError, match="^rows: duplicate"):
        regulation_html.rules_html(twice, as_of=AS_OF)


def test_ids_in_notes_become_linked_rule_names(table):
    out = regulation_html.rules_html(table, as_of=AS_OF)
    # the omnibus row's note names the sandbox row by id; the card names it in words, linked
    assert '<a href="#reg-eu-aia-57">AI Act, Art. 57(1)</a>' in out


def test_overview_counts_add_up(table):
    out = regulation_html.overview_html(table, as_of=AS_OF)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", out)
    assert [r[0] for r in rows] == [regulation.JURISDICTION_LABELS[j] for j in regulation.JURISDICTIONS]
    assert sum(int(r[1]) for r in rows) == len(table)
    assert sum(int(r[2]) for r in rows) == len(regulation.in_force(AS_OF, table=table))
    s = regulation.status(table, as_of=AS_OF)
    assert sum(int(r[4]) for r in rows) == int((s == "adopted").sum())
    assert sum(int(r[5]) for r in rows) == int((s == "ended").sum())


@pytest.mark.parametrize(("value", "words"), [("2024-06-13", "13 June 2024"), ("2025-08", "August 2025"),
                                             ("2025", "2025"), (dt.date(2026, 1, 1), "1 January 2026")])
def test_format_date(value, words):
    assert regulation_html.format_date(value) == words


@pytest.mark.parametrize("bad", ["2025-13", "13/06/2024", "2024-02-30"])
def test_format_date_refuses_bad_dates(bad):
    with pytest.raises(ValueError, match="^value: "):
        regulation_html.format_date(bad)


def test_changes_window_must_not_be_reversed(table):
    with pytest.raises(ValueError, match="^end: "):
        regulation_html.changes_html("2027-01-01", "2026-01-01", rows=table)
def test_the_schema_and_the_package_list_the_same_jurisdictions():
    # a jurisdiction added to one list and not the other would be refused on load or left off the heat map
    allowed = data.load_schema("regulation")["columns"]["jurisdiction"]["allowed"]
    assert list(allowed) == list(regulation.JURISDICTIONS)
