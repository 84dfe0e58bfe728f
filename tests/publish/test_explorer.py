"""The explorer (analysis/publish/explorer.py, book/explorer.md): grids equal the chapters' functions, the page shows them.

Unit tests check every grid point by point against the package functions the chapters call, bad
input against named errors, and that the page's default settings give the chapters' headline
numbers (read from the committed, executed notebooks). Browser tests (marked slow) move each
control to several settings and compare the number shown with the package's own function at that
setting, to the precision shown; check hover values, keyboard use, text size, offline loading,
console and axe; and check that no other page loads Plotly.
"""

from __future__ import annotations

import json
import math
import sys

import nbformat
import numpy as np
import pytest
from conftest import ROOT, toc_docs

from analysis.collapse import models as collapse
from analysis.cost import model as cost
from analysis.data import loader as data
from analysis.energy import model as energy
from analysis.exhaustion import model as ex
from analysis.publish import explorer as xp

sys.path.insert(0, str(ROOT / "tools"))
from glue_dump import glued_outputs  # noqa: E402

G0 = ex.parameter_median("dataset_growth")  # the chapter's median yearly growth of training sets
LOW, HIGH = (float(ex.parameters().set_index("parameter").loc["dataset_growth", b]) for b in ("low", "high"))


def _runout_package(*, scale, growth, k, n, seed):
    """``runout_distribution`` at a stock scale <= 1, a median historical growth and an over-training factor."""
    f = growth / G0
    return ex.runout_distribution(restricted_share=1.0 - scale, overtraining=k, n=n, seed=seed,
                                  dataset_growth=None if growth == G0 else (LOW * f, HIGH * f))


def _runout_years(*, scale, growth, k, n, seed):
    """p10, median, p90 of the package's crossing years at a setting, also where some draws never cross.

    ``runout_distribution`` refuses draws that never cross (its Monte Carlo standard error needs
    finite years); its scenario draws and :func:`analysis.exhaustion.model.crossing_years` accept them.
    """
    f = growth / G0
    rng = np.random.default_rng(seed)
    logs = ex._draw_model_log(rng, n, overtraining=k, restricted_share=1.0 - scale, epochs=None, projection="pooled",
                              dataset_growth=None if growth == G0 else (LOW * f, HIGH * f))
    years = ex.crossing_years(*(np.exp(a) for a in logs))
    return tuple(np.quantile(years, [0.1, 0.5, 0.9], method="inverted_cdf"))


# -- the grids equal the package functions ------------------------------------------------------


def test_runout_grid_equals_runout_distribution_point_by_point():
    scales, growth, over = [0.25, 0.6, 1.0], [2.0, G0, 3.5], [1.0, 5.0, 100.0]
    grid = xp.runout_grid(stock_scales=scales, growth_per_year=growth, overtraining=over, n=4000, seed=11)
    for i, s in enumerate(scales):
        for j, g in enumerate(growth):
            for m, k in enumerate(over):
                ref = _runout_package(scale=s, growth=g, k=k, n=4000, seed=11)
                got = (grid.p10[i, j, m], grid.median[i, j, m], grid.p90[i, j, m])
                # equal up to the rounding of a shifted log (the package shifts mu, the grid the draws)
                assert np.allclose(got, (ref.p10, ref.median, ref.p90), rtol=0, atol=1e-9), (s, g, k, got, ref[:3])


def test_runout_grid_defaults_are_the_chapters_draws_bit_for_bit():
    grid = xp.runout_grid(stock_scales=[1.0], growth_per_year=[G0], overtraining=[1.0], n=3000, seed=2024)
    ref = ex.runout_distribution(n=3000, seed=2024)
    assert (grid.median[0, 0, 0], grid.p10[0, 0, 0], grid.p90[0, 0, 0]) == (ref.median, ref.p10, ref.p90)
    assert grid.default_growth_per_year == G0
    assert grid.n_draws == 6000


def test_runout_grid_above_the_chapters_stock_matches_the_package_through_an_exact_identity():
    # The stock and the over-training enter only through ln(s) - ln(k) / 2: a stock s times larger
    # with over-training s^2 is the chapter's default, which runout_distribution computes.
    grid = xp.runout_grid(stock_scales=[2.0, 4.0], growth_per_year=[G0, 3.0], overtraining=[4.0, 16.0], n=3000, seed=5)
    for j, g in enumerate([G0, 3.0]):
        ref = _runout_package(scale=1.0, growth=g, k=1.0, n=3000, seed=5)
        for i, m in ((0, 0), (1, 1)):
            assert grid.median[i, j, m] == pytest.approx(ref.median, abs=1e-9)
            assert grid.p90[i, j, m] == pytest.approx(ref.p90, abs=1e-9)
        # more text, same demand: later; more demand, same text: earlier (the identity alone would hold with no shift)
        assert grid.median[1, j, 0] > grid.median[0, j, 0] > grid.median[0, j, 1]


def test_training_run_cost_is_the_package_formula_with_the_chapters_inputs():
    inputs = xp.cost_inputs()
    specs = data.load("gpu_specs").set_index("chip")
    for chip in ("V100", "A100", "H100"):
        for price, util in ((0.5, 0.1), (2.0, 0.35), (7.9, 0.6)):
            got = xp.training_run_cost(chip=chip, usd_per_gpu_hour=price, utilization=util)
            ref = cost.training_cost(flops=inputs.flops, peak_flops=float(specs.loc[chip, "peak_flop_per_s"]),
                                     utilization=util, usd_per_chip_hour=price)
            assert (got.usd, got.chip_hours) == (ref.usd, ref.chip_hours)
    assert inputs.price_low < inputs.price_default < inputs.price_high
    assert inputs.utilization_low < inputs.utilization_default < inputs.utilization_high


def test_cost_at_the_middle_settings_is_the_median_of_the_chapters_simulation():
    """The chapter draws price and utilisation lognormally; its median cost is the cost at their geometric midpoints."""
    inputs = xp.cost_inputs()
    n = 200_000
    gap = cost.hardware_gap(flops=inputs.flops, new_peak_flops=inputs.peak_flops["H100"],
                            new_utilization_low=inputs.utilization_low, new_utilization_high=inputs.utilization_high,
                            new_price_low=inputs.price_low, new_price_high=inputs.price_high,
                            old_peak_flops=inputs.peak_flops["V100"], old_utilization=0.2, old_price_low=1.0,
                            old_price_high=2.0, size=n, rng=np.random.default_rng(3))
    mid = xp.training_run_cost(chip="H100", usd_per_gpu_hour=inputs.price_default, utilization=inputs.utilization_default)
    logs = np.log(gap.run_new.usd)
    se = math.sqrt(math.pi / 2) * logs.std() / math.sqrt(n)  # standard error of a normal sample's median
    assert abs(np.median(logs) - math.log(mid.usd)) < 4 * se


def test_collapse_grid_equals_the_chapters_functions_point_by_point():
    fractions, sizes, tols = [0.0, 0.25, 0.5, 0.75, 1.0], [10, 50], [0.02, 0.1, 0.3]
    grid = xp.collapse_grid(fractions=fractions, sample_sizes=sizes, generations=20, chains=200, tolerances=tols, seed=3)
    ref = collapse.real_fraction_grid(fractions=fractions, sample_sizes=sizes, generations=20, chains=200, seed=3)
    for i, m in enumerate(sizes):
        ratios = ref[ref.sample_size == m].ratio.to_numpy()
        assert np.array_equal(grid.ratio[i], ratios)
        for j, t in enumerate(tols):
            expected = collapse.smallest_sufficient_fraction(fractions, ratios, tolerance=t)
            assert grid.threshold[i, j] == expected or (math.isnan(expected) and math.isnan(grid.threshold[i, j]))
    assert grid.first_order.tolist() == [collapse.first_order_threshold(tolerance=t) for t in tols]
    # a looser tolerance never needs more real data
    assert np.all(np.diff(np.nan_to_num(grid.threshold, nan=2.0), axis=1) <= 0)


def test_break_even_grid_equals_the_chapters_simulations_point_by_point():
    inputs = xp.break_even_inputs()
    kw = dict(synthetic_tokens=inputs.synthetic_tokens, student_params=inputs.student_params,
              student_tokens=inputs.student_tokens)
    gens, grids = [13e9, 405e9], [0.0, 0.057, 0.436]
    grid = xp.break_even_grid(generator_params=gens, kg_per_kwh=grids, n=3000, seed=9, **kw)
    for i, p in enumerate(gens):
        be = energy.summarise(energy.simulate_break_even(generator_params=p, n=3000, seed=9, **kw).required_saving)
        assert tuple(grid.saving[i]) == (be.median, be.low, be.high)
        gen = energy.simulate_generation(tokens=inputs.synthetic_tokens, active_params=p, n=3000, seed=9)
        e = energy.summarise(gen.energy_mwh)
        assert tuple(grid.generation_mwh[i]) == (e.median, e.low, e.high)
        # at the world grid's factor, the emissions are the package's own (same draws, same product)
        t = energy.summarise(gen.tco2e)
        assert tuple(grid.generation_tco2e[i, 2]) == (t.median, t.low, t.high)
        assert tuple(grid.generation_tco2e[i, 0]) == (0.0, 0.0, 0.0)
    # the saving needed scales with the generator's size; the grid does not enter it
    assert grid.saving[1, 0] / grid.saving[0, 0] == pytest.approx(405 / 13, rel=1e-12)


def test_value_list_keeps_the_chapters_defaults_exactly():
    default = 2.824889378365107
    values = xp.value_list(start=0.5, stop=8.0, step=0.1, include=[default, 2.0], decimals=2)
    assert default in values.tolist() and 2.0 in values.tolist()
    assert np.all(np.diff(values) > 0)
    assert values[0] == 0.5 and values[-1] == 8.0
    assert len(values) == 77  # 76 grid steps (2.0 among them) and the default


@pytest.mark.parametrize(("call", "name"), [
    (lambda: xp.runout_grid(stock_scales=[0.0], growth_per_year=[2.0], overtraining=[1.0], n=10), "stock_scales"),
    (lambda: xp.runout_grid(stock_scales=[1.0], growth_per_year=[-1.0], overtraining=[1.0], n=10), "growth_per_year"),
    (lambda: xp.runout_grid(stock_scales=[1.0], growth_per_year=[2.0], overtraining=[0.5], n=10), "overtraining"),
    (lambda: xp.runout_grid(stock_scales=[1.0] * 100, growth_per_year=[2.0] * 100, overtraining=[1.0], n=5_000_000), "n"),
    (lambda: xp.training_run_cost(chip="Z80", usd_per_gpu_hour=2.0, utilization=0.4), "chip"),
    (lambda: xp.training_run_cost(chip="H100", usd_per_gpu_hour=-1.0, utilization=0.4), "usd_per_gpu_hour"),
    (lambda: xp.training_run_cost(chip="H100", usd_per_gpu_hour=2.0, utilization=1.5), "utilization"),
    (lambda: xp.collapse_grid(fractions=[0.5, 0.2], sample_sizes=[10], generations=5, chains=10, tolerances=[0.1]), "fractions"),
    (lambda: xp.collapse_grid(fractions=[0.5], sample_sizes=[10], generations=5, chains=10, tolerances=[0.0]), "tolerances"),
    (lambda: xp.collapse_grid(fractions=[0.5], sample_sizes=[1], generations=5, chains=10, tolerances=[0.1]), "sample_sizes"),
    (lambda: xp.break_even_grid(generator_params=[1e9], kg_per_kwh=[2.0], synthetic_tokens=1e9, student_params=1e9,
                                student_tokens=1e12, n=10), "kg_per_kwh"),
    (lambda: xp.value_list(start=2.0, stop=1.0, step=0.1), "start, stop"),  # a declared relation names both
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises((ValueError, TypeError), match=rf"^{name}\b"):
        call()


# -- the page's defaults are the chapters' numbers ----------------------------------------------


def _glued(path):
    out = {}
    for key, text in glued_outputs(nbformat.read(ROOT / path, as_version=4)).items():
        try:
            out[key] = float(text)
        except ValueError:  # glued text, not a number
            continue
    return out


def test_the_pages_defaults_reproduce_the_chapters_headline_numbers():
    page = _glued("book/explorer.ipynb")
    ch01, ch02 = _glued("notebooks/01_data_exhaustion.ipynb"), _glued("notebooks/02_cost.ipynb")
    ch03, ch07 = _glued("notebooks/03_model_collapse.ipynb"), _glued("notebooks/07_energy_carbon.ipynb")
    # the same Monte Carlo draws: equal to the last digit
    assert page["explorer_runout_median"] == ch01["ch01_pooled_median"]
    assert page["explorer_runout_p10"] == ch01["ch01_pooled_p10"]
    assert page["explorer_runout_p90"] == ch01["ch01_pooled_p90"]
    assert page["explorer_collapse_threshold_pct"] == ch03["collapse_threshold_m100"]
    assert page["explorer_be_pct"] == ch07["ch07_phi_be65_pct"]
    assert (page["explorer_be_low_pct"], page["explorer_be_high_pct"]) == (ch07["ch07_phi_be65_lo"], ch07["ch07_phi_be65_hi"])
    # the chapter's cost is a simulation median, the page's the exact median: equal to the precision shown
    assert f"{page['explorer_cost_usd_m']:.2f}" == f"{ch02['ch02_gpt3_2024_med']:.2f}"


def _page_data():
    nb = nbformat.read(ROOT / "book/explorer.ipynb", as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if 'id="explorer-data"' in html:
                return json.loads(html[html.index(">") + 1: html.rindex("</script>")].replace("<\\/", "</"))
    raise AssertionError("book/explorer.ipynb has no explorer data")


def test_the_pages_grids_are_the_package_grids():
    d = _page_data()
    r = d["runout"]
    i, j, k = r["default"]
    assert r["stock"][i]["value"] == 1.0 and r["growth"][j]["value"] == G0 and r["overtraining"][k]["value"] == 1.0
    # every non-finite year is a word, every finite one a year with one decimal
    texts = [t for plane in r["median_text"] for row in plane for t in row]
    assert all(t in ("never", "already in 2024") or (len(t) == 6 and t[4] == ".") for t in texts)
    c = d["collapse"]
    assert [s["value"] for s in c["sizes"]] == [10, 30, 100, 300, 1000]
    assert c["fractions"] == np.round(np.arange(0, 1.0001, 0.05), 2).tolist()
    e = d["energy"]
    inputs = xp.break_even_inputs()
    assert {g["value"] for g in e["generators"]} >= set(inputs.generators.values())
    assert {c["value"] for c in e["intensity"]} >= set(inputs.grids["kg_per_kwh"].astype(float))


# -- the page in a browser (slow) -----------------------------------------------------------------

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _open(browser, site_url, *, viewport=DESKTOP, **context_args):
    context = browser.new_context(viewport=viewport, **context_args)
    page = context.new_page()
    log = {"requests": [], "console": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("console", lambda m: log["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: log["console"].append(("pageerror", str(e))))
    page.goto(f"{site_url}/book/explorer.html", wait_until="networkidle")
    page.wait_for_selector("#explorer-energy .explorer-chart .main-svg", timeout=30000)
    return context, page, log


def _set(page, control_id, index):
    """Move a slider to the setting ``index`` (as dragging it would: an input event) or choose an option."""
    tag = page.eval_on_selector(f"#{control_id}", "e => e.tagName")
    if tag == "SELECT":
        page.select_option(f"#{control_id}", str(index))
    else:
        page.eval_on_selector(f"#{control_id}", "(e, i) => { e.value = String(i); e.dispatchEvent(new Event('input', {bubbles: true})); }", index)


def _shown(page, key):
    return page.inner_text(f'[data-explorer-value="{key}"]')


def _year(x):
    return "never" if x == math.inf else "already in 2024" if x == -math.inf else f"{x:.1f}"


slow = pytest.mark.slow


@pytest.fixture(scope="module")
def explorer_page(browser, site_url):
    context, page, log = _open(browser, site_url)
    yield page, log
    context.close()


@slow
def test_runout_controls_show_the_packages_run_out_year(explorer_page):
    page, _ = explorer_page
    r = _page_data()["runout"]
    stock = [o["value"] for o in r["stock"]]
    growth = [o["value"] for o in r["growth"]]
    over = [o["value"] for o in r["overtraining"]]
    settings = [(stock.index(1.0), growth.index(G0), over.index(1.0)), (stock.index(0.5), growth.index(3.0), over.index(5.0)),
                (stock.index(0.25), growth.index(2.0), over.index(100.0)), (stock.index(1.0), growth.index(4.0), over.index(10.0))]
    for i, j, k in settings:
        _set(page, "runout-stock", i)
        _set(page, "runout-growth", j)
        _set(page, "runout-overtraining", k)
        p10, median, p90 = _runout_years(scale=stock[i], growth=growth[j], k=over[k], n=1_000_000, seed=2024)
        shown = (_shown(page, "runout-median"), _shown(page, "runout-p10"), _shown(page, "runout-p90"))
        assert shown == (_year(median), _year(p10), _year(p90)), (stock[i], growth[j], over[k])


@slow
def test_cost_controls_show_the_packages_cost(explorer_page):
    page, _ = explorer_page
    c = _page_data()["cost"]
    prices = [o["value"] for o in c["price"]]
    utils = [o["value"] for o in c["utilization"]]
    specs = data.load("gpu_specs").set_index("chip")
    for chip, p, u in ((2, c["default"][1], c["default"][2]), (0, 0, 0), (1, len(prices) - 1, len(utils) - 1),
                       (0, prices.index(2.0), utils.index(0.3))):
        _set(page, "cost-chip", chip)
        _set(page, "cost-price", p)
        _set(page, "cost-utilization", u)
        name = c["chips"][chip]["value"]
        ref = cost.training_cost(flops=c["flops"], peak_flops=float(specs.loc[name, "peak_flop_per_s"]),
                                 utilization=utils[u], usd_per_chip_hour=prices[p])
        assert _shown(page, "cost-usd") == f"{ref.usd / 1e6:.2f}", (name, prices[p], utils[u])
        assert _shown(page, "cost-hours") == f"{ref.chip_hours / 1e3:,.0f}", (name, prices[p], utils[u])


@slow
def test_collapse_controls_show_the_packages_threshold(explorer_page):
    page, _ = explorer_page
    c = _page_data()["collapse"]
    fractions = np.round(np.arange(0, 1.0001, 0.05), 2)
    sizes = [10, 30, 100, 300, 1000]
    grid = collapse.real_fraction_grid(fractions=fractions, sample_sizes=sizes, generations=100, chains=3000, seed=5)
    tols = [o["value"] for o in c["tolerance"]]
    for m, t in ((2, tols.index(0.1)), (0, tols.index(0.01)), (4, tols.index(0.25)), (1, tols.index(0.5))):
        _set(page, "collapse-samples", m)
        _set(page, "collapse-tolerance", t)
        ratios = grid[grid.sample_size == sizes[m]].ratio.to_numpy()
        ref = collapse.smallest_sufficient_fraction(fractions, ratios, tolerance=tols[t])
        expected = "more than the grid's largest share" if math.isnan(ref) else f"{100 * ref:.0f}"
        assert _shown(page, "collapse-threshold") == expected, (sizes[m], tols[t])
        assert _shown(page, "collapse-first-order") == f"{100 * collapse.first_order_threshold(tolerance=tols[t]):.1f}"


@slow
def test_energy_controls_show_the_packages_break_even_and_emissions(explorer_page):
    page, _ = explorer_page
    e = _page_data()["energy"]
    inputs = xp.break_even_inputs()
    gens = [o["value"] for o in e["generators"]]
    cis = [o["value"] for o in e["intensity"]]
    named = inputs.grids.set_index("grid")["kg_per_kwh"]
    kw = dict(synthetic_tokens=inputs.synthetic_tokens, student_params=inputs.student_params,
              student_tokens=inputs.student_tokens, n=50_000, seed=20261126)

    def sig(x):
        return format(energy.round_sig(x), ",g")

    for gen, grid in (("LLaMA 65B", "world_2022"), ("Mixtral-8x7B (13B active)", "france_bloom"),
                      ("Llama 3.1 405B", "olmo2_cluster"), ("Nemotron-4 340B", "market_matched")):
        p = inputs.generators[gen]
        _set(page, "energy-generator", gens.index(p))
        _set(page, "energy-grid", cis.index(float(named[grid])))
        be = energy.summarise(energy.simulate_break_even(generator_params=p, **kw).required_saving)
        assert (_shown(page, "energy-saving"), _shown(page, "energy-saving-low"), _shown(page, "energy-saving-high")) == (
            sig(100 * be.median), sig(100 * be.low), sig(100 * be.high)), gen
        g = energy.simulate_generation(tokens=inputs.synthetic_tokens, active_params=p, grid=grid, n=50_000, seed=20261126)
        assert _shown(page, "energy-mwh") == sig(energy.summarise(g.energy_mwh).median), gen
        assert _shown(page, "energy-tco2e") == sig(energy.summarise(g.tco2e).median), (gen, grid)


@slow
def test_hover_shows_values(explorer_page):
    page, _ = explorer_page
    _set(page, "runout-stock", _page_data()["runout"]["default"][0])
    _set(page, "runout-growth", _page_data()["runout"]["default"][1])
    _set(page, "runout-overtraining", 0)
    page.locator("#explorer-runout").scroll_into_view_if_needed()
    # the pixel position of the median trace's second point (over-training 2), from Plotly's own axes
    x, y = page.evaluate("""() => {
        const gd = document.querySelector('#explorer-runout .explorer-chart');
        const l = gd._fullLayout, t = gd._fullData[2], box = gd.getBoundingClientRect();
        return [box.left + l._size.l + l.xaxis.l2p(Math.log10(t.x[1])), box.top + l._size.t + l.yaxis.l2p(t.y[1])];
    }""")
    page.mouse.move(x, y)
    label = page.locator("#explorer-runout .hoverlayer .hovertext")
    label.first.wait_for(timeout=5000)
    r = _page_data()["runout"]
    i, j, _ = r["default"]
    text = label.first.text_content()
    assert r["median_text"][i][j][1] in text and r["p10_text"][i][j][1] in text, text


@slow
def test_controls_work_from_the_keyboard(explorer_page):
    page, _ = explorer_page
    _set(page, "collapse-samples", 2)
    _set(page, "collapse-tolerance", 9)
    before = (page.input_value("#collapse-tolerance"), page.inner_text("#collapse-tolerance-value"))
    page.focus("#collapse-tolerance")
    page.keyboard.press("ArrowRight")
    after = (page.input_value("#collapse-tolerance"), page.inner_text("#collapse-tolerance-value"))
    assert after[0] == "10" and before[0] == "9" and after[1] != before[1]
    c = _page_data()["collapse"]
    assert _shown(page, "collapse-threshold") == c["threshold_text"][2][10]
    # every control has a visible label tied to it
    ids = page.eval_on_selector_all(".explorer input, .explorer select", "els => els.map(e => e.id)")
    assert len(ids) == 10
    for control in ids:
        assert page.locator(f'label[for="{control}"]').inner_text().strip(), control


@slow
def test_page_stays_offline_and_quiet(explorer_page):
    _, log = explorer_page
    off = [u for u in log["requests"] if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not off, off
    bad = [(k, t) for k, t in log["console"] if k in ("error", "pageerror", "warning")]
    assert not bad, bad
    assert any("/_static/plotly.min.js" in u for u in log["requests"])


def _contrast(fg: str, bg: str) -> float:
    def lum(rgb):
        vals = [int(v) / 255 for v in rgb.replace("rgba(", "").replace("rgb(", "").replace(")", "").split(",")[:3]]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in vals]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_charts_are_readable_and_accessible(browser, site_url, scheme, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    context, page, _ = _open(browser, site_url, viewport=viewport, color_scheme=scheme, is_mobile=size == "phone")
    page.wait_for_selector("html[data-reader-ready]", timeout=20000)
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    texts = page.evaluate("""() => [...document.querySelectorAll('.explorer-chart svg text')]
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
        .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize), getComputedStyle(t).fill])""")
    assert len(texts) > 40
    small = [(t, px) for t, px, _ in texts if px < 11]
    assert not small, small[:5]
    bg = page.evaluate("getComputedStyle(document.querySelector('.explorer')).backgroundColor")
    low = [(t, fill) for t, _, fill in texts if _contrast(fill, bg) < 4.5]
    assert not low, low[:5]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    for box in page.locator(".explorer").all():
        assert box.bounding_box()["width"] <= viewport["width"]
    if not AXE.exists():
        pytest.fail("axe-core is not installed: `make test` runs `npm ci` (package-lock.json)", pytrace=False)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                          resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    bad = [v for v in found if v["impact"] in ("critical", "serious")]
    assert not bad, json.dumps(bad, indent=1)
    context.close()


@slow
def test_only_the_explorer_page_loads_plotly(built_site):
    assert (built_site / "_static" / "plotly.min.js").stat().st_size > 1_000_000
    for doc in toc_docs():
        html = (built_site / f"{doc}.html").read_text(encoding="utf-8")
        loads = "_static/plotly.min.js" in html and "_static/explorer.js" in html
        assert loads == (doc == "book/explorer"), doc
