"""The data loader accepts good tables and rejects each kind of bad one with a precise message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data import loader as data

SCHEMA = """\
title: Test table
description: A small table for the loader tests.
primary_key: id
columns:
  id: {type: string}
  year: {type: integer, min: 2000, max: 2030}
  tokens: {type: number, min: 0, unit: tokens}
  open: {type: boolean}
  released: {type: date}
  month: {type: date, precision: partial, required: false}
  kind: {type: string, allowed: [dense, moe]}
  note: {type: string, required: false}
  source: {type: source}
  evidence: {type: evidence}
"""
HEADER = "id,year,tokens,open,released,month,kind,note,source,evidence"
GOOD_ROWS = [
    "a,2020,3e11,true,2020-05-28,2020-05,dense,,alpha2020,seen_primary",
    "b,2024,1.5e13,false,2024-04-18,2024,moe,a note,alpha2020;beta2021,computed",
]
BIB = """\
@article{alpha2020, author={A. Author}, title={Alpha}, journal={J}, year={2020}}
@misc{beta2021, author={B. Author}, title={Beta}, year={2021}}
"""


def make(tmp_path: Path, rows=None, header=HEADER, schema=SCHEMA, name="toy") -> dict:
    """Write a dataset and a bibliography into tmp_path; return the loader's keyword arguments."""
    (tmp_path / f"{name}.schema.yml").write_text(schema)
    body = "\n".join([header, *(GOOD_ROWS if rows is None else rows)]) + "\n"
    (tmp_path / f"{name}.csv").write_text(body)
    (tmp_path / "refs.bib").write_text(BIB)
    return {"data_dir": tmp_path, "bib_path": tmp_path / "refs.bib"}


def test_good_table_loads_with_types(tmp_path):
    df = data.load("toy", **make(tmp_path))
    assert list(df["id"]) == ["a", "b"]
    assert df["year"].dtype == "Int64" and df["year"].tolist() == [2020, 2024]
    assert df["tokens"].dtype == "float64" and df["tokens"].tolist() == [3e11, 1.5e13]
    assert df["open"].tolist() == [True, False]
    assert df["released"].tolist() == [pd.Timestamp("2020-05-28"), pd.Timestamp("2024-04-18")]
    assert df["month"].tolist() == ["2020-05", "2024"]
    assert pd.isna(df["note"].iloc[0]) and df["note"].iloc[1] == "a note"
    assert df["source"].tolist() == ["alpha2020", "alpha2020;beta2021"]
    assert data.available(data_dir=tmp_path) == ["toy"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("c,20x0,1,true,2020-01-01,,dense,,alpha2020,seen_primary", r"toy\.csv, row 3 \(line 4\), column 'year': '20x0' is not an integer"),
        ("c,2020,many,true,2020-01-01,,dense,,alpha2020,seen_primary", r"row 3 \(line 4\), column 'tokens': 'many' is not a number"),
        ("c,2020,nan,true,2020-01-01,,dense,,alpha2020,seen_primary", r"column 'tokens': 'nan' is not a number"),
        ("c,2020,-1,true,2020-01-01,,dense,,alpha2020,seen_primary", r"column 'tokens': -1 is outside the valid range \[0, None\]"),
        ("c,1999,1,true,2020-01-01,,dense,,alpha2020,seen_primary", r"column 'year': 1999 is outside the valid range \[2000, 2030\]"),
        ("c,2020,1,yes,2020-01-01,,dense,,alpha2020,seen_primary", r"column 'open': 'yes' is not a boolean"),
        ("c,2020,1,true,01/02/2020,,dense,,alpha2020,seen_primary", r"column 'released': '01/02/2020' is not a date \(YYYY-MM-DD\)"),
        ("c,2020,1,true,2020-02-30,,dense,,alpha2020,seen_primary", r"column 'released': '2020-02-30' is not a valid calendar date"),
        ("c,2020,1,true,2020-01-01,May 2020,dense,,alpha2020,seen_primary", r"column 'month': 'May 2020' is not a date"),
        ("c,2020,1,true,2020-01-01,,sparse,,alpha2020,seen_primary", r"column 'kind': 'sparse' is not one of the allowed values"),
        ("c,2020,1,true,2020-01-01,,dense,,nobody1999,seen_primary", r"row 3 \(line 4\), column 'source': unknown source key\(s\) \['nobody1999'\]"),
        ("c,2020,1,true,2020-01-01,,dense,,alpha2020;nobody1999,seen_primary", r"column 'source': unknown source key\(s\) \['nobody1999'\]"),
        ("c,2020,1,true,2020-01-01,,dense,,,seen_primary", r"column 'source': empty, but the column is required"),
        ("c,2020,1,true,2020-01-01,,dense,,alpha2020,recalled", r"column 'evidence': evidence 'recalled' is not one of seen_primary"),
        (",2020,1,true,2020-01-01,,dense,,alpha2020,seen_primary", r"column 'id': empty, but the column is required"),
        ("a,2020,1,true,2020-01-01,,dense,,alpha2020,seen_primary", r"row 3 \(line 4\), column 'id': duplicate primary key 'a' \(first at row 1\)"),
        ("c,2020,1,true", r"row 3 \(line 4\): 4 fields, the header has 10"),
    ],
)
def test_bad_cell_is_rejected_with_file_row_and_column(tmp_path, row, message):
    with pytest.raises(ValueError, match=message):
        data.load("toy", **make(tmp_path, rows=[*GOOD_ROWS, row]))


def test_missing_column_is_named(tmp_path):
    header = HEADER.replace(",kind", "")
    rows = [r.replace(",dense", "").replace(",moe", "") for r in GOOD_ROWS]
    with pytest.raises(ValueError, match=r"toy\.csv: missing column\(s\) \['kind'\]"):
        data.load("toy", **make(tmp_path, rows=rows, header=header))


def test_undeclared_column_is_named(tmp_path):
    rows = [r + ",x" for r in GOOD_ROWS]
    with pytest.raises(ValueError, match=r"toy\.csv: column\(s\) \['extra'\] are not declared"):
        data.load("toy", **make(tmp_path, rows=rows, header=HEADER + ",extra"))


def test_unknown_dataset_name_lists_the_available_ones(tmp_path):
    kwargs = make(tmp_path)
    with pytest.raises(ValueError, match=r"name: unknown dataset 'toys' .*available: toy"):
        data.load("toys", **kwargs)
    with pytest.raises(TypeError, match="name: expected a dataset name"):
        data.load(3, **kwargs)


def test_schema_without_provenance_columns_is_rejected(tmp_path):
    schema = SCHEMA.replace("  evidence: {type: evidence}\n", "")
    header = HEADER.replace(",evidence", "")
    rows = [r.rsplit(",", 1)[0] for r in GOOD_ROWS]
    with pytest.raises(ValueError, match=r"toy\.schema\.yml: every dataset needs a 'evidence' column"):
        data.load("toy", **make(tmp_path, rows=rows, header=header, schema=schema))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  year: {type: integer", "  year: {type: int", r"column 'year' needs a 'type'"),
        ("kind: {type: string, allowed", "kind: {type: string, choices", r"column 'kind' has unknown keys \['choices'\]"),
        ("primary_key: id", "primary_key: name", r"primary_key 'name' is not a column"),
        ("title: Test table", "title: ''", r"the schema needs a non-empty 'title'"),
    ],
)
def test_bad_schema_is_rejected(tmp_path, old, new, message):
    with pytest.raises(ValueError, match=message):
        data.load("toy", **make(tmp_path, schema=SCHEMA.replace(old, new)))


def test_empty_file_is_rejected(tmp_path):
    kwargs = make(tmp_path)
    (tmp_path / "toy.csv").write_text("")
    with pytest.raises(ValueError, match=r"toy\.csv: the file is empty"):
        data.load("toy", **kwargs)


def test_missing_bibliography_is_a_clear_error(tmp_path):
    kwargs = make(tmp_path)
    with pytest.raises(ValueError, match=r"^bib_path: must be the path of an existing file .*\(no such file\)"):
        data.load("toy", data_dir=kwargs["data_dir"], bib_path=tmp_path / "nope.bib")


def test_describe_lists_columns_with_units(tmp_path):
    make(tmp_path)
    described = data.describe("toy", data_dir=tmp_path)
    assert described["column"].tolist()[:3] == ["id", "year", "tokens"]
    assert described.loc[described["column"] == "tokens", "unit"].item() == "tokens"
    assert not described.loc[described["column"] == "note", "required"].item()


# --- corrupted files, keys, cross-field rules, origin (issue 13) --------------------------------


def _write_bytes(tmp_path: Path, body: bytes) -> dict:
    kwargs = make(tmp_path)
    (tmp_path / "toy.csv").write_bytes(body)
    return kwargs


def _good_bytes() -> bytes:
    return ("\n".join([HEADER, *GOOD_ROWS]) + "\n").encode()


def test_utf8_bom_is_named(tmp_path):
    kwargs = _write_bytes(tmp_path, b"\xef\xbb\xbf" + _good_bytes())
    with pytest.raises(ValueError, match=r"toy\.csv: the file starts with a UTF-8 byte-order mark"):
        data.load("toy", **kwargs)


def test_non_utf8_encoding_is_named_with_its_line(tmp_path):
    body = _good_bytes().replace(b"a note", "a n\u00f6te".encode("latin-1"))
    kwargs = _write_bytes(tmp_path, body)
    with pytest.raises(ValueError, match=r"toy\.csv: the file is not valid UTF-8 \(byte 0xf6 on line 3\)"):
        data.load("toy", **kwargs)


def test_nul_bytes_are_named(tmp_path):
    kwargs = _write_bytes(tmp_path, _good_bytes().replace(b"a note", b"a\x00note"))
    with pytest.raises(ValueError, match=r"toy\.csv: the file contains NUL bytes \(first on line 3\)"):
        data.load("toy", **kwargs)


def test_duplicated_header_names_are_named_not_misreported(tmp_path):
    header = HEADER.replace("note", "kind")
    with pytest.raises(ValueError, match=r"toy\.csv: duplicated column name\(s\) \['kind'\]"):
        data.load("toy", **make(tmp_path, header=header))


def test_header_without_rows_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"toy\.csv: the file has a header but no data rows"):
        data.load("toy", **make(tmp_path, rows=[]))


def test_line_numbers_stay_right_after_multiline_cells(tmp_path):
    rows = [
        'a,2020,3e11,true,2020-05-28,2020-05,dense,"a note\nover\nthree lines",alpha2020,seen_primary',
        "b,2020,oops,true,2020-05-28,2020-05,dense,,alpha2020,seen_primary",
    ]
    with pytest.raises(ValueError, match=r"row 2 \(line 5\), column 'tokens': 'oops' is not a number"):
        data.load("toy", **make(tmp_path, rows=rows))


@pytest.mark.parametrize(
    ("key", "kind"),
    [("A", "near-duplicate"), ("a ", "duplicate primary key 'a'"), ("a\u200b", "surrounding or invisible"), ("b", "duplicate primary key 'b'")],
)
def test_exact_and_near_duplicate_keys_are_rejected(tmp_path, key, kind):
    row = f"{key},2020,1,true,2020-01-01,,dense,,alpha2020,seen_primary"
    with pytest.raises(ValueError, match=rf"row 3 \(line 4\), column 'id': .*{kind}"):
        data.load("toy", **make(tmp_path, rows=[*GOOD_ROWS, row]))


def test_every_dataset_must_declare_a_primary_key(tmp_path):
    with pytest.raises(ValueError, match=r"toy\.schema\.yml: every dataset must declare a primary_key"):
        data.load("toy", **make(tmp_path, schema=SCHEMA.replace("primary_key: id\n", "")))


def test_composite_primary_key(tmp_path):
    schema = SCHEMA.replace("primary_key: id", "primary_key: [id, year]")
    rows = [*GOOD_ROWS, "a,2021,1,true,2020-01-01,,dense,,alpha2020,seen_primary"]
    assert len(data.load("toy", **make(tmp_path, rows=rows, schema=schema))) == 3
    rows.append("A,2021,1,true,2020-01-01,,dense,,alpha2020,seen_primary")
    with pytest.raises(ValueError, match=r"column 'id\+year': near-duplicate \(differs only in case or spacing\) primary key \('A', 2021\)"):
        data.load("toy", **make(tmp_path, rows=rows, schema=schema))


RULES = """\
rules:
  - {check: "year <= 2025", description: "no year after 2025"}
  - {when: "kind == 'moe'", require: [note]}
"""


def test_cross_field_rules(tmp_path):
    schema = SCHEMA.replace("columns:\n", RULES + "columns:\n")
    assert len(data.load("toy", **make(tmp_path, schema=schema))) == 2
    bad_year = "c,2026,1,true,2020-01-01,,dense,,alpha2020,seen_primary"
    with pytest.raises(ValueError, match=r"row 3 \(line 4\), column\(s\) 'year' = 2026: fails rule 1: year <= 2025"):
        data.load("toy", **make(tmp_path, rows=[*GOOD_ROWS, bad_year], schema=schema))
    moe_without_note = "c,2020,1,true,2020-01-01,,moe,,alpha2020,seen_primary"
    with pytest.raises(ValueError, match=r"row 3 \(line 4\): column\(s\) \['note'\] may not be empty here \(rule 2"):
        data.load("toy", **make(tmp_path, rows=[*GOOD_ROWS, moe_without_note], schema=schema))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('  - {check: "year <== 3"}\n', r"rule 1: check 'year <== 3' is not 'A op B'"),
        ('  - {check: "__import__(1) < 2"}\n', r"rule 1: check .* is not 'A op B'"),
        ('  - {check: "yeer < 3"}\n', r"rule 1: check names an unknown column 'yeer'"),
        ('  - {require: [nope]}\n', r"rule 1: require names an unknown column 'nope'"),
    ],
)
def test_bad_rules_are_rejected(tmp_path, rule, message):
    schema = SCHEMA.replace("columns:\n", "rules:\n" + rule + "columns:\n")
    with pytest.raises(ValueError, match=message):
        data.load("toy", **make(tmp_path, schema=schema))


def test_min_and_max_are_honoured_on_date_columns(tmp_path):
    schema = SCHEMA.replace("released: {type: date}", "released: {type: date, min: 2015-01-01, max: 2026-12-31}")
    assert len(data.load("toy", **make(tmp_path, schema=schema))) == 2
    row = "c,2020,1,true,2027-01-01,,dense,,alpha2020,seen_primary"
    with pytest.raises(ValueError, match=r"column 'released': 2027-01-01 is outside the valid range \[2015-01-01, 2026-12-31\]"):
        data.load("toy", **make(tmp_path, rows=[*GOOD_ROWS, row], schema=schema))


def test_shipped_fixed_parameter_may_not_be_empty(tmp_path):
    """An empty value of a fixed exhaustion parameter once turned the run-out into NaN silently."""
    import shutil

    for name in ("exhaustion_parameters",):
        shutil.copy(data.DATA_DIR / f"{name}.schema.yml", tmp_path)
    text = (data.DATA_DIR / "exhaustion_parameters.csv").read_text()
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if ",fixed," in line)
    fields = next(__import__("csv").reader([lines[i]]))
    header = next(__import__("csv").reader([lines[0]]))
    fields[header.index("value")] = ""
    import csv as _csv
    import io

    buf = io.StringIO()
    _csv.writer(buf, lineterminator="").writerow(fields)
    lines[i] = buf.getvalue()
    (tmp_path / "exhaustion_parameters.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"column\(s\) \['value'\] may not be empty here"):
        data.load("exhaustion_parameters", data_dir=tmp_path)


ORIGIN = """\
origin:
  producer: Test producer
  title: Test table source
  url: https://example.org/data
  date_accessed: 2026-11-26
  version: v1
  licence: CC-BY-4.0
"""


def test_origin_block_is_validated_and_dates_the_evidence(tmp_path):
    schema = SCHEMA.replace("columns:\n", ORIGIN + "columns:\n")
    kwargs = make(tmp_path, schema=schema)
    assert data.evidence_as_of("toy", data_dir=tmp_path) == "2026-11-26"
    with pytest.raises(ValueError, match=r"the origin block needs non-empty \['licence'\]"):
        data.load("toy", **make(tmp_path, schema=schema.replace("  licence: CC-BY-4.0\n", "")))
    with pytest.raises(ValueError, match=r"origin.date_accessed '26/11/2026' is not a date"):
        data.load("toy", **make(tmp_path, schema=schema.replace("2026-11-26", "'26/11/2026'")))
    make(tmp_path)  # no origin block
    with pytest.raises(ValueError, match="has no origin block"):
        data.evidence_as_of("toy", data_dir=tmp_path)
    assert kwargs
