"""Issue 26: the CSV loader reads only plain ASCII numbers, safe ids and plausible rows, and says where.

Each bad file is the good toy table of ``test_data_loader`` with one cell changed; the error must
name the file, the row and line, and the column. The plausibility rules are declared in the schema
files (``rules:``), so the curated tables are checked by the same code on every load.
"""

from __future__ import annotations

import pytest

from analysis.publish import claims
from analysis.data import loader as data
from tests.data.test_data_loader import GOOD_ROWS, HEADER, SCHEMA, make

RATIO_SCHEMA = SCHEMA.replace("columns:\n", "rules:\n"
                              "  - {check: \"tokens / year >= 1e6\", description: \"at least a million tokens a year\"}\n"
                              "columns:\n")


def _row(i: int, **cells) -> list[str]:
    """The good rows with some cells of row ``i`` (0-based) replaced."""
    names = HEADER.split(",")
    rows = [r.split(",") for r in GOOD_ROWS]
    for name, value in cells.items():
        rows[i][names.index(name)] = value
    return [",".join(r) for r in rows]


@pytest.mark.parametrize("number", ["21_432", "３０００", "٣٠٠٠", "1e3x", "0x1F"])
def test_numbers_must_be_ascii_decimals(tmp_path, number):
    kwargs = make(tmp_path, rows=_row(1, tokens=number))
    with pytest.raises(ValueError, match=r"^toy\.csv, row 2 \(line 3\), column 'tokens': .* is not a number \(ASCII"):
        data.load("toy", **kwargs)


def test_plain_ascii_number_still_loads(tmp_path):
    df = data.load("toy", **make(tmp_path, rows=_row(1, tokens="1.5e3")))
    assert df["tokens"].tolist() == [3e11, 1500.0]


@pytest.mark.parametrize("year", ["2_024", "２０２４", "٢٠٢٤"])
def test_integers_must_be_ascii_digits(tmp_path, year):
    with pytest.raises(ValueError, match=r"^toy\.csv, row 1 \(line 2\), column 'year': .* is not an integer \(ASCII"):
        data.load("toy", **make(tmp_path, rows=_row(0, year=year)))


def test_dates_must_be_ascii_digits(tmp_path):
    with pytest.raises(ValueError, match=r"^toy\.csv, row 1 \(line 2\), column 'released': .* is not a date"):
        data.load("toy", **make(tmp_path, rows=_row(0, released="٢٠٢٠-05-28")))


@pytest.mark.parametrize("bad_id", ['x" onmouseover="alert(1)', "a<b", "a|b", "a=b"])
def test_ids_must_match_the_safe_pattern(tmp_path, bad_id):
    rows = _row(0, id=f'"{bad_id.replace(chr(34), chr(34) * 2)}"')
    with pytest.raises(ValueError, match=r"^toy\.csv, row 1 \(line 2\), column 'id': primary key .* has characters"):
        data.load("toy", **make(tmp_path, rows=rows))


def test_a_declared_column_pattern_is_enforced(tmp_path):
    schema = SCHEMA.replace("  kind: {type: string, allowed: [dense, moe]}",
                            "  kind: {type: string, pattern: \"[a-z]+\"}")
    with pytest.raises(ValueError, match=r"^toy\.csv, row 2 \(line 3\), column 'kind': 'MoE' does not match"):
        data.load("toy", **make(tmp_path, rows=_row(1, kind="MoE"), schema=schema))


def test_a_ratio_rule_reports_file_line_columns_and_values(tmp_path):
    # 1.5e13 tokens in 2024: fine; 3e8 tokens in 2020 (a unit slip): below a million a year
    rows = _row(0, tokens="3e8")
    with pytest.raises(ValueError, match=r"^toy\.csv, row 1 \(line 2\), column\(s\) 'tokens' = 300000000\.0, "
                                         r"'year' = 2020: fails rule 1: tokens / year >= 1e6 \(at least a million"):
        data.load("toy", **make(tmp_path, rows=rows, schema=RATIO_SCHEMA))
    assert len(data.load("toy", **make(tmp_path, schema=RATIO_SCHEMA))) == 2


@pytest.mark.parametrize(("name", "rule"), [
    ("llm_training_tokens", "training_tokens / params_active >= 1"),
    ("training_costs", "cost_usd / training_compute_flop >= 1e-20"),
    ("epoch_cost_inputs", "published_cost_usd / training_compute_flop <= 1e-14"),
    ("regulation", "date_adopted <= date_applies"),
])
def test_curated_schemas_declare_the_published_relations(name, rule):
    checks = [r.get("check") for r in data.load_schema(name).get("rules") or []]
    assert rule in checks
    assert len(data.load(name)) > 0  # and every curated row passes them


def test_tokens_a_thousand_times_too_small_are_refused(tmp_path):
    # the curated table's own schema, with GPT-3's 3e11 tokens written as 3e8 (millions for billions)
    import shutil

    for suffix in (".csv", ".schema.yml"):
        shutil.copy(data.DATA_DIR / f"llm_training_tokens{suffix}", tmp_path / f"llm_training_tokens{suffix}")
    path = tmp_path / "llm_training_tokens.csv"
    text = path.read_text()
    assert "GPT-3 175B,OpenAI,2020-05-28,175e9,175e9,3.0e11," in text
    path.write_text(text.replace("GPT-3 175B,OpenAI,2020-05-28,175e9,175e9,3.0e11,", "GPT-3 175B,OpenAI,2020-05-28,175e9,175e9,3.0e8,"))
    with pytest.raises(ValueError, match=r"^llm_training_tokens\.csv, row 1 \(line 2\), column\(s\) 'training_tokens' = 300000000\.0"):
        data.load("llm_training_tokens", data_dir=tmp_path)


def test_claims_text_with_line_breaks_stays_on_one_table_row():
    table = data.load("claims").head(1).copy()
    table.loc[table.index[0], "claim"] = "first line\n\n# injected heading\r\n| x | y |\u2028end"
    md = claims.ledger_table(table)
    rows = md.strip("\n").split("\n")
    assert len(rows) == 3  # header, rule, one claim: no line break got through
    assert "# injected heading" in rows[2] and "\\| x \\| y \\|" in rows[2]
    para = claims.claim_paragraphs(table)
    assert "\n# injected" not in para and "\n| x" not in para
