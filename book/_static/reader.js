// The reader's features of the site (see tools/reader_site.py): tables a reader can use,
// print layout and the phone navigation. Offline: DataTables comes from _static/dt_bundle.js
// (shipped by itables), never from a CDN.

const MIN_ROWS = 6;        // smaller tables are read at a glance; no controls
const LONG_TEXT = 160;     // characters: longer cells are collapsed into a details view
const root = new URL(".", import.meta.url);  // .../_static/

function plainTable(t) {
  if (!t.tHead || t.tHead.rows.length !== 1 || t.tBodies.length !== 1) return false;
  if (t.closest(".prov-entries, .reader-skip") || t.querySelector("table")) return false;
  const width = t.tHead.rows[0].cells.length;
  for (const row of t.tBodies[0].rows) {
    if (row.cells.length !== width) return false;
    for (const c of row.cells) if (c.colSpan > 1 || c.rowSpan > 1) return false;
  }
  return true;
}

function csvOf(t) {
  const esc = (s) => /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  const rows = [...t.tHead.rows, ...t.tBodies[0].rows];
  return rows.map((r) => [...r.cells].map((c) => esc(c.textContent.trim())).join(",")).join("\n") + "\n";
}

function tableName(t, i) {
  const heading = t.closest("section")?.querySelector("h1, h2, h3");
  const base = (t.id || heading?.id || document.title || "table").toLowerCase();
  return base.replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") + (i ? "-" + (i + 1) : "");
}

function collapseLongCells(t) {
  for (const cell of t.tBodies[0].querySelectorAll("td")) {
    const text = cell.textContent.trim();
    if (text.length <= LONG_TEXT || cell.querySelector("details")) continue;
    const details = document.createElement("details");
    details.className = "cell-more";
    const summary = document.createElement("summary");
    summary.textContent = text.slice(0, 100).replace(/\s+\S*$/, "") + " …";
    const full = document.createElement("div");
    while (cell.firstChild) full.appendChild(cell.firstChild);
    details.append(summary, full);
    cell.appendChild(details);
  }
}

function labelCells(t) {
  const labels = [...t.tHead.rows[0].cells].map((c) => c.textContent.trim());
  for (const row of t.tBodies[0].rows) [...row.cells].forEach((c, i) => c.setAttribute("data-label", labels[i]));
  if (labels.length > 7) t.classList.add("reader-wide");
}

function wrap(t) {
  let box = t.parentElement;
  if (!box || getComputedStyle(box).overflowX === "visible") {
    box = document.createElement("div");
    t.replaceWith(box);
    box.appendChild(t);
  }
  box.classList.add("reader-table-wrap");
  box.setAttribute("tabindex", "0");  // scrollable region reachable by keyboard
  box.setAttribute("role", "region");
  return box;
}

// DataTables (619 kB of script and 107 kB of style) is fetched only when a table with controls
// enters the viewport, so a reader who never reaches one never loads it; the CSV link and the
// collapsed long cells are there from the start.
let dataTablesLoad = null;
function loadDataTables() {
  if (!dataTablesLoad) {
    dataTablesLoad = import(new URL("dt_bundle.js", root).href).then((m) => {
      if (!document.querySelector("link[data-reader-dt]")) {
        const css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = new URL("dt_bundle.css", root).href;
        css.dataset.readerDt = "1";
        document.head.appendChild(css);
      }
      return m.default;
    }).catch(() => null);  // the tables stay plain, still readable and printable
  }
  return dataTablesLoad;
}

function makeInteractive(t, name, bar, DataTable) {
  if (!DataTable || t.classList.contains("reader-datatable")) return;
  DataTable.ext.errMode = "throw";  // never an alert box; a table DataTables cannot read stays plain
  let dt;
  try {
    dt = new DataTable(t, {
      paging: false, order: [], autoWidth: false, info: true,
      layout: { topStart: null, topEnd: null, bottomStart: "info", bottomEnd: null },
      language: { info: "_TOTAL_ rows", infoFiltered: "(filtered from _MAX_)", infoEmpty: "No matching rows" },
    });
  } catch (e) {
    return;
  }
  t.classList.add("reader-datatable");
  bar.prepend(searchBox(t, name, dt, DataTable));
}

const pendingTables = new Map();  // table -> () => Promise, until it is made interactive
function markTables() {
  document.documentElement.dataset.readerTables = pendingTables.size ? "pending" : "done";
}
function enhanceNow(t) {
  const run = pendingTables.get(t);
  if (!run) return Promise.resolve();
  pendingTables.delete(t);
  return run().finally(markTables);
}
// Every table made interactive at once (tests, and anything that needs them all, call this).
window.readerEnhanceTables = () => Promise.all([...pendingTables.keys()].map(enhanceNow));

function enhanceTables() {
  const tables = [...document.querySelectorAll("article.bd-article table")].filter(plainTable);
  const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    entries.filter((e) => e.isIntersecting).forEach((e) => { observer.unobserve(e.target); enhanceNow(e.target); });
  }, { rootMargin: "0px" }) : null;
  tables.forEach((t, i) => {
    const name = tableName(t, i);
    const csv = csvOf(t);
    labelCells(t);
    const box = wrap(t);
    box.setAttribute("aria-label", "Table " + name.replace(/-/g, " "));
    const bar = document.createElement("div");
    bar.className = "reader-table-bar";
    const link = document.createElement("a");
    link.className = "reader-csv";
    link.textContent = "Download this table (CSV)";
    link.download = name + ".csv";
    link.href = "#";
    link.addEventListener("click", () => {
      link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    });
    bar.appendChild(link);
    box.before(bar);
    collapseLongCells(t);
    if (t.tBodies[0].rows.length < MIN_ROWS) return;
    pendingTables.set(t, () => loadDataTables().then((DataTable) => makeInteractive(t, name, bar, DataTable)));
    if (observer) observer.observe(t); else enhanceNow(t);
  });
  markTables();
}

// Search: every word of the query must appear in the row (any case); a word in capitals, as
// "EU" or "US", must appear as that whole word, so "EU" finds the EU rows and not "neutral".
const queries = new Map();
function rowMatches(words, cells) {
  const text = cells.join(" \u0000 ");
  const lower = text.toLowerCase();
  return words.every((w) => {
    if (/^[A-Z][A-Z0-9]{0,7}$/.test(w)) return new RegExp("(^|[^A-Za-z0-9])" + w + "($|[^A-Za-z0-9])").test(text);
    return lower.includes(w.toLowerCase());
  });
}

let filterInstalled = false;
function searchBox(t, name, dt, DataTable) {
  if (!filterInstalled) {
    DataTable.ext.search.push((settings, cells) => {
      const words = queries.get(settings.nTable);
      return !words || !words.length || rowMatches(words, cells);
    });
    filterInstalled = true;
  }
  let id = "search-" + name, n = 2;
  while (document.getElementById(id)) id = "search-" + name + "-" + n++;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "Search this table: ";
  const input = document.createElement("input");
  input.type = "search";
  input.id = id;
  input.className = "reader-search";
  input.placeholder = "e.g. EU, labelling, 2026";
  input.addEventListener("input", () => {
    queries.set(t, input.value.trim().split(/\s+/).filter(Boolean));
    dt.draw();
  });
  const span = document.createElement("span");
  span.className = "reader-search-box";
  span.append(label, input);
  return span;
}

// Navigation buttons: sphinx-book-theme 1.3 puts its own sidebar toggles in the article header,
// but pydata-sphinx-theme 0.17 (and the book theme itself) bind their handlers only to the first
// ".primary-toggle"/".secondary-toggle" of the page, the navbar's, which is hidden. The visible
// buttons did nothing, at phone and desktop widths. Forward their clicks to the bound button.
function fixSidebarToggles() {
  for (const cls of [".primary-toggle", ".secondary-toggle"]) {
    const [bound, ...others] = document.querySelectorAll(cls);
    if (!bound) continue;
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
      if (!button.getAttribute("aria-label")) button.setAttribute("aria-label", button.title || "Toggle sidebar");
    }
  }
}
fixSidebarToggles();

// Accessibility repairs of the themes' markup (axe-core, WCAG 2.1 AA):
// - a control whose visible text is not part of its accessible name (the search button shows
//   "Search Ctrl+K" but is named "Search"; the colour-mode button): name it by what it shows;
// - sphinxcontrib-bibtex's role="list" holds role="doc-biblioentry" entries, not list items.
function fixNames() {
  // icons inside a named control are decoration: their titles ("Light", "Dark") are not its name
  for (const icon of document.querySelectorAll("button[aria-label] i, a[aria-label] i, button[aria-label] svg, a[aria-label] svg")) {
    icon.setAttribute("aria-hidden", "true");
    icon.removeAttribute("title");
  }
  for (const el of document.querySelectorAll("button[aria-label], a[aria-label]")) {
    const text = el.innerText.replace(/\s+/g, " ").trim();
    const label = el.getAttribute("aria-label");
    if (text && !label.toLowerCase().includes(text.toLowerCase())) el.setAttribute("aria-label", `${text} (${label})`);
  }
  for (const list of document.querySelectorAll(".citation-list[role=list]")) {
    for (const child of list.children) child.setAttribute("role", "listitem");
  }
}
fixNames();
new MutationObserver(fixNames).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "data-mode"] });

// Print (and the PDF edition): open every collapsed cell so nothing is hidden on paper.
function openAll() { document.querySelectorAll("details").forEach((d) => { d.dataset.wasOpen = d.open; d.open = true; }); }
function restore() { document.querySelectorAll("details[data-was-open]").forEach((d) => { d.open = d.dataset.wasOpen === "true"; delete d.dataset.wasOpen; }); }
window.addEventListener("beforeprint", openAll);
window.addEventListener("afterprint", restore);
window.readerOpenAll = openAll;

// The theme's navigation folds a page's sub-pages (the provenance pages) under a <summary> that
// holds only a chevron icon: give it a name a screen reader can say (axe: summary-name).
function nameNavigationToggles() {
  document.querySelectorAll(".bd-sidenav li.has-children > details > summary").forEach((summary) => {
    if (summary.textContent.trim() || summary.getAttribute("aria-label")) return;
    const link = summary.closest("li").querySelector(":scope > a");
    const title = link ? link.textContent.trim() : "this page";
    summary.setAttribute("aria-label", `Pages under ${title}`);
  });
}
nameNavigationToggles();

try { enhanceTables(); } finally { document.documentElement.dataset.readerReady = "1"; }
