"""Thin notebooks (issue 26): no function or class is defined in a notebook cell; the package does the work.

The chapters (``notebooks/*.md``) and the MyST notebooks of ``book/`` hold no ``def``, ``lambda``
or ``class``: a row lookup, a formatter or a model lives in the package, where it is tested and
validated. The helpers that replaced the in-notebook functions are checked here against the code
they replaced (copied below as it was in the notebooks), so that no number the report shows moves.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import jupytext
import numpy as np
import pandas as pd
import pytest

from analysis import cost, energy
from analysis.core.stats import ConfidenceInterval
from analysis.data import loader as data
from analysis.privacy import report as privacy_report
from analysis.publish import explorer as xp
from analysis.publish import tables
from analysis.publish.glue import glue_interval, glue_value, glue_values

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.md")) + [
    p for p in sorted((ROOT / "book").glob("*.md")) if p.read_text(encoding="utf-8").startswith("---\njupytext:")]
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _code_cells(md_text: str) -> list[str]:
    nb = jupytext.reads(md_text, fmt="md:myst")
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _definitions(source: str) -> list[str]:
    """``def``, ``lambda`` and ``class`` in one cell's code (IPython magics turned into calls first)."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    return [f"line {node.lineno}: {type(node).__name__}" for node in ast.walk(tree) if isinstance(node, DEFINITIONS)]


def test_the_notebooks_are_found():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_data_exhaustion.md", "06_privacy_utility.md", "90_data_provenance.md", "claims.md", "explorer.md"} <= names


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_def_lambda_or_class_in_a_notebook_cell(md):
    found = [f"cell {i}, {d}" for i, src in enumerate(_code_cells(md.read_text(encoding="utf-8")))
             for d in _definitions(src)]
    assert not found, f"{md.name} defines functions in its cells (move them to the package): {found}"


def test_the_check_catches_a_def_a_lambda_and_a_class():
    page = ("---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n"
            "```{code-cell} ipython3\n:tags: [remove-cell]\n\n%matplotlib inline\nx = 1\n```\n\n"
            "```{code-cell} ipython3\ndef at(df, key):\n    return df.loc[key]\n```\n\n"
            "```{code-cell} ipython3\nclip = lambda d: min(d, 1)\n```\n\n"
            "```{code-cell} ipython3\nclass Row:\n    pass\n```\n")
    cells = _code_cells(page)
    assert len(cells) == 4
    assert [bool(_definitions(c)) for c in cells] == [False, True, True, True]
    assert _definitions(cells[2]) == ["line 1: Lambda"]


def test_every_glue_interval_call_is_on_one_line():
    """The key finder of tests/site/test_summary.py reads a glue_interval call's suffixes from its line."""
    for md in NOTEBOOKS:
        for line in md.read_text(encoding="utf-8").splitlines():
            if "glue_interval(" in line and "import" not in line:
                assert re.search(r'glue_interval\("[A-Za-z][A-Za-z0-9_]*", .*\)\s*(#.*)?$', line), f"{md.name}: {line}"


# ------------------------------------------------------------------------------------------------
# the package helpers, against the notebook code they replaced


def test_lookup_returns_the_one_row_the_notebooks_looked_up():
    real = pd.DataFrame({"table": ["arrests", "arrests", "hearts"], "generator": ["copula", "tvae", "copula"],
                         "T": [1.1, 0.9, 1.3], "T_low": [1.0, 0.8, 1.2]})

    def real_row(table, generator):  # chapter 4, as it was
        return real[(real["table"] == table) & (real["generator"] == generator)].iloc[0]

    for t, g in [("arrests", "copula"), ("arrests", "tvae"), ("hearts", "copula")]:
        pd.testing.assert_series_equal(tables.lookup(real, table=t, generator=g), real_row(t, g))
    assert tables.lookup(real, table="hearts")["T"] == 1.3


def test_lookup_names_the_columns_when_no_row_or_several_match():
    df = pd.DataFrame({"config": [0, 0, 1], "generation": [0, 20, 0], "mean": [0.1, 0.2, 0.3]})
    with pytest.raises(ValueError, match=r"frame: 0 rows match config=2, generation=0 \(columns \['config', 'generation'\]\)"):
        tables.lookup(df, config=2, generation=0)
    with pytest.raises(ValueError, match=r"frame: 2 rows match config=0 \(columns \['config'\]\)"):
        tables.lookup(df, config=0)
    with pytest.raises(ValueError, match=r"frame: has no column\(s\) \['metric'\]"):
        tables.lookup(df, metric="x")
    with pytest.raises(TypeError, match="frame:"):
        tables.lookup([1, 2], config=0)


def test_lookup_compares_floats_exactly_as_chapter_3_did():
    fan = pd.DataFrame({"quantity": ["variance"] * 3 + ["msq"], "generation": [5, 5, 5, 5],
                        "q": [0.1, 0.5, 0.9, np.nan], "value": [1.0, 2.0, 3.0, 4.0]})

    def at(df, quantity, q=None, gen=5):  # chapter 3, as it was
        sel = (df.quantity == quantity) & (df.generation == gen)
        sel &= df.q.isna() if q is None else np.isclose(df.q, q)
        return float(df.loc[sel, "value"].iloc[0])

    assert tables.lookup(fan, quantity="variance", q=0.5, generation=5)["value"] == at(fan, "variance", 0.5)
    assert tables.lookup(fan, quantity="msq", generation=5)["value"] == at(fan, "msq")


def test_round_significant_is_chapter_1s_rounding():
    def trillions_2sf(tokens):  # chapter 1, as it was
        t = tokens / 1e12
        return float(np.round(t, 1 - int(np.floor(np.log10(abs(t))))))

    rng = np.random.default_rng(0)
    for tokens in np.concatenate([10 ** rng.uniform(12, 16, 2000), [4.35e14, 1.25e13, 9.95e14, 1e12]]):
        assert tables.round_significant(tokens / 1e12, 2) == trillions_2sf(tokens)
    assert tables.round_significant(431.7) == 430.0 and tables.round_significant(-0.012345, 3) == -0.0123
    assert tables.round_significant(0) == 0.0
    assert tables.round_significant(2.2250738585072014e-308) == 2.2e-308  # beyond numpy's scaling


def test_interval_text_is_chapter_6s_cell():
    def fmt(r, pct=False):  # chapter 6, as it was
        k = 100 if pct else 1
        if np.isnan(r["low"]):
            return f"{k * r['mean']:.2f}"
        return f"{k * r['mean']:.2f} ({k * r['low']:.2f} to {k * r['high']:.2f})"

    for r in ({"mean": 0.5234, "low": 0.5011, "high": 0.5457}, {"mean": -0.004, "low": np.nan, "high": np.nan}):
        assert tables.interval_text(r["mean"], r["low"], r["high"]) == fmt(r)
        assert tables.interval_text(r["mean"], r["low"], r["high"], scale=100) == fmt(r, pct=True)
    assert tables.interval_text(0.5, 0.25, 0.75, decimals=1) == "0.5 (0.2 to 0.8)"
    with pytest.raises(ValueError, match="low:"):
        tables.interval_text(0.5, -math.inf, 0.75)


def test_disclosed_share_and_tokens_are_the_claims_pages_cells():
    def _share(share):  # book/claims.md, as it was
        return "not disclosed" if pd.isna(share) else f"{100 * share:.0f}%"

    def _tokens(tokens):
        return "not disclosed" if pd.isna(tokens) else f"{tokens / 1e9:,.0f} billion"

    usage = data.load("synthetic_data_usage")
    for share, toks in zip(usage["synthetic_share"], usage["synthetic_tokens"]):
        assert tables.disclosed_share(share) == _share(share)
        assert tables.disclosed_tokens(toks) == _tokens(toks)
    assert tables.disclosed_share(0.4) == "40%" and tables.disclosed_share(np.nan) == "not disclosed"
    assert tables.disclosed_tokens(1.5e12) == "1,500 billion"


def test_installed_version():
    import numpy

    assert tables.installed_version("numpy") == numpy.__version__
    assert tables.installed_version("no-such-distribution-here") == "not installed (optional extra)"


def _capture(monkeypatch) -> dict:
    """What glue_value displays, in order: {key: text/plain}."""
    glued = {}

    def display(bundle, raw, metadata):
        glued[metadata["scrapbook"]["name"]] = bundle["application/papermill.record/text/plain"]

    monkeypatch.setattr("IPython.display.display", display)
    return glued


def test_glue_interval_glues_what_three_glue_value_calls_glued(monkeypatch):
    r = pd.Series({"table": "hearts", "mean": np.float64(0.8234567), "low": np.float64(0.7612345),
                   "high": np.float64(0.8856789)})
    glued = _capture(monkeypatch)
    glue_value("ch09_tstr", 100 * r["mean"])  # the hand-written triplet
    glue_value("ch09_tstr_low", 100 * r["low"])
    glue_value("ch09_tstr_high", 100 * r["high"])
    by_hand = dict(glued)
    glued.clear()
    glue_interval("ch09_tstr", (r["mean"], r["low"], r["high"]), scale=100)
    assert glued == by_hand and list(glued) == ["ch09_tstr", "ch09_tstr_low", "ch09_tstr_high"]
    glued.clear()
    glue_interval("ch09_ci", ConfidenceInterval(0.25, 0.125, 0.5, 0.95, "student-t"), suffixes=("_lo", "_hi"))
    assert glued == {"ch09_ci": "0.25", "ch09_ci_lo": "0.125", "ch09_ci_hi": "0.5"}
    with pytest.raises(ValueError, match="interval:"):
        glue_interval("ch09_x", (1.0, math.nan, 2.0))
    with pytest.raises(ValueError, match="interval:"):
        glue_interval("ch09_x", (1.0, 2.0))
    with pytest.raises(ValueError, match="suffixes:"):
        glue_interval("ch09_x", (1.0, 0.5, 2.0), suffixes=("_a", "_b"))
    with pytest.raises(ValueError, match="scale:"):
        glue_interval("ch09_x", (1.0, 0.5, 2.0), scale=1000)


def test_glue_values_glues_each_item_in_order(monkeypatch):
    glued = _capture(monkeypatch)
    glue_values({"ch09_b": np.float64(2.5), "ch09_a": "March 2028", "ch09_n": np.int64(3)})
    assert list(glued.items()) == [("ch09_b", "2.5"), ("ch09_a", "'March 2028'"), ("ch09_n", "3")]
    with pytest.raises(ValueError, match="value:"):
        glue_values({"ch09_c": math.inf})
    with pytest.raises(TypeError, match="values:"):
        glue_values([("ch09_c", 1.0)])


def test_training_cost_musd_is_chapter_2s_model():
    def gpt3_scale_2024_musd(*, flops, utilization, usd_per_chip_hour, peak_flops):  # chapter 2, as it was
        return cost.training_cost(flops=flops, peak_flops=peak_flops, utilization=utilization,
                                  usd_per_chip_hour=usd_per_chip_hour).usd / 1e6

    base = {"flops": 3.14e23, "utilization": 0.4, "usd_per_chip_hour": 2.2, "peak_flops": 989e12}
    ranges = {"flops": (1.57e23, 6.28e23), "utilization": (0.2, 0.43), "usd_per_chip_hour": (2.0, 3.5),
              "peak_flops": (989e12, 1979e12)}
    pd.testing.assert_frame_equal(cost.one_at_a_time_sensitivity(cost.training_cost_musd, base=base, ranges=ranges),
                                  cost.one_at_a_time_sensitivity(gpt3_scale_2024_musd, base=base, ranges=ranges))
    assert cost.training_cost_musd(**base) == pytest.approx(3.14e23 / (989e12 * 0.4 * 3600) * 2.2 / 1e6, rel=1e-12)


def test_api_generation_cost_is_chapter_2s_price_lookup():
    tokens = data.load("token_prices").set_index("model")

    def api(model, out_tokens, in_tokens):  # chapter 2, as it was
        p = tokens.loc[model]
        return cost.synthetic_data_cost(tokens_out=out_tokens, tokens_in=in_tokens,
                                        usd_per_m_in=p["usd_per_m_input"], usd_per_m_out=p["usd_per_m_output"])

    draws = np.random.default_rng(1).lognormal(0, 1, 1000) * 4e11
    for model in ("gpt-4o-2024-08-06", "gpt-4o-mini"):
        np.testing.assert_array_equal(cost.api_generation_cost(tokens, model, tokens_out=4e11, tokens_in=draws),
                                      api(model, 4e11, draws))
    with pytest.raises(ValueError, match="prices, model: model must be a label of the index of prices"):
        cost.api_generation_cost(tokens, "no-such-model", tokens_out=1.0)


def _summary() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = [{"table": t, "generator": g, "metric": m, "replicate": i, "value": rng.uniform(0.4, 0.9)}
            for t in ("hearts", "arrests") for g in ("real", "copula") for m in ("mia_auc", "tstr", "trtr")
            for i in range(5)]
    return privacy_report.summarise(pd.DataFrame(rows))


def test_frontier_table_is_chapter_6s_frontier_frame():
    S = _summary()
    TABLE_KEYS, GEN_KEYS, GEN_LABEL = ["hearts", "arrests"], ["real", "copula"], {"real": "real rows", "copula": "copula"}

    def c(table, gen, metric):
        return privacy_report.cell(S, table, gen, metric)

    def frontier_frame():  # chapter 6, as it was
        rows = []
        for t in TABLE_KEYS:
            for g in GEN_KEYS:
                a, u = c(t, g, "mia_auc"), c(t, g, "tstr")
                rows.append({"table": t, "generator": g, "label": GEN_LABEL[g], "mia_auc": a["mean"], "mia_auc_low": a["low"],
                             "mia_auc_high": a["high"], "tstr": u["mean"], "tstr_low": u["low"], "tstr_high": u["high"],
                             "trtr": c(t, g, "trtr")["mean"], "replicates": int(a["n"])})
        return pd.DataFrame(rows)

    got = privacy_report.frontier_table(S, tables=TABLE_KEYS, generators=GEN_KEYS, labels=GEN_LABEL)
    pd.testing.assert_frame_equal(got, frontier_frame())
    r = c("hearts", "copula", "tstr")
    assert privacy_report.cell_interval(S, "hearts", "copula", "tstr") == (r["mean"], r["low"], r["high"])
    with pytest.raises(ValueError, match="summary: 0 rows match table=.hearts., generator=.tvae., metric=.tstr."):
        privacy_report.cell_interval(S, "hearts", "tvae", "tstr")


def test_explorer_text_helpers_are_the_pages_functions():
    def text(x, fmt):  # book/explorer.md, as it was
        return format(x, fmt) if np.isfinite(x) else None

    def finite_or_none(a, decimals=6):
        a = np.asarray(a, dtype=float)
        if a.ndim > 1:
            return [finite_or_none(row, decimals) for row in a]
        return [float(round(v, decimals)) if np.isfinite(v) else None for v in a]

    def year_text(x):
        if x == np.inf:
            return "never"
        if x == -np.inf:
            return "already in 2024"
        return format(x, ".1f")

    def sig(x):
        return format(energy.round_sig(x), ",g")

    grid = np.random.default_rng(3).uniform(2020, 2060, (3, 4, 5)) * np.random.default_rng(4).choice([1, 1, 1, np.inf, -np.inf], (3, 4, 5))
    grid[0, 0, 0] = np.nan
    for decimals in (4, 6):
        assert xp.json_values(grid, decimals=decimals) == finite_or_none(grid, decimals)
    assert xp.json_values(grid[0, 0]) == finite_or_none(grid[0, 0])
    for v in grid.ravel():
        assert xp.year_text(v) == year_text(v)
        assert xp.finite_text(100 * v, ".0f") == text(100 * v, ".0f")
    for v in np.random.default_rng(5).lognormal(5, 3, 500):
        assert xp.sig_text(v) == sig(v)
    assert xp.year_text(np.inf) == "never" and xp.finite_text(np.nan, ".1f") is None
