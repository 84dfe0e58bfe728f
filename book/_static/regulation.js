// The regulation chapter's list of rules (notebooks/05_regulation.md): filters by jurisdiction,
// topic, status and the date the status is shown for. The cards, their labels and each rule's
// status steps are written by the package (analysis/regulation_html.py, analysis/regulation.py);
// this script only looks the status up in those steps and hides the cards that do not match.
// Offline, no dependencies; without it every card is listed, with its status on the report's date.
(function () {
  "use strict";
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const ISO = /^\d{4}-\d{2}-\d{2}$/;

  function inWords(day) {
    const [y, m, d] = day.split("-");
    return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
  }

  // "since:status since:status ...", ordered by date, the first with an empty date: the status
  // on `day` is the last step on or before it (ISO dates compare as text)
  function statusOn(steps, day) {
    let status = null;
    for (const step of steps.trim().split(/\s+/)) {
      const i = step.indexOf(":");
      const since = step.slice(0, i);
      if (since && since > day) break;
      status = step.slice(i + 1);
    }
    return status;
  }

  function setup(root) {
    const form = root.querySelector(".reg-filters");
    const count = root.querySelector(".reg-count");
    const items = [...root.querySelectorAll(".reg-item")];
    const meta = JSON.parse(root.dataset.meta || "{}");
    const asOf = root.dataset.asOf;
    const field = (name) => form.querySelector(`[data-filter="${name}"]`);
    const statusOptions = [...field("status").options].filter((o) => o.value);
    const buttons = root.querySelector(".reg-buttons");
    const expand = buttons.querySelector(".reg-expand");

    function apply() {
      const j = field("jurisdiction").value, t = field("topic").value, wanted = field("status").value;
      let day = field("date").value;
      if (!ISO.test(day)) day = asOf;
      const perStatus = {};
      let shown = 0;
      for (const li of items) {
        const s = statusOn(li.dataset.steps, day);
        li.dataset.status = s;
        const badge = li.querySelector(".reg-badge");
        badge.textContent = meta.badges[s] || s;
        badge.className = "reg-badge reg-s-" + s;
        const place = (!j || li.dataset.jurisdiction === j) && (!t || li.dataset.topic === t);
        if (place) perStatus[s] = (perStatus[s] || 0) + 1;
        const ok = place && (!wanted || s === wanted);
        li.hidden = !ok;
        if (ok) shown += 1;
      }
      for (const o of statusOptions) o.textContent = `${meta.labels[o.value]} (${perStatus[o.value] || 0})`;
      const what = shown === 1 ? "rule" : "rules";
      count.textContent = `${shown} of ${items.length} ${what} shown; statuses on ${inWords(day)}.`;
      root.dataset.shownDay = day;
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    buttons.querySelector(".reg-reset").addEventListener("click", () => {
      for (const name of ["jurisdiction", "topic", "status"]) field(name).value = "";
      field("date").value = asOf;
      apply();
    });
    expand.addEventListener("click", () => {
      const open = expand.getAttribute("aria-pressed") !== "true";
      for (const li of items) if (!li.hidden) li.querySelector("details").open = open;
      expand.setAttribute("aria-pressed", String(open));
      expand.textContent = open ? "Close all" : "Open all";
    });
    form.hidden = false;
    buttons.hidden = false;
    apply();

    // a link to a rule (#reg-<id>, also from other chapters) opens its card, showing it if hidden
    function openTarget() {
      const id = decodeURIComponent(location.hash.slice(1));
      const card = id ? document.getElementById(id) : null;
      if (!card || !root.contains(card)) return;
      if (card.closest(".reg-item").hidden) buttons.querySelector(".reg-reset").click();
      card.open = true;
      card.scrollIntoView();
    }
    window.addEventListener("hashchange", openTarget);
    openTarget();
    root.dataset.ready = "1";
  }

  // print (and the PDF edition): every card open; reader.js opens them on beforeprint, this also
  // covers print media set without that event (the PDF printer, a browser's print preview)
  function printOpen(event) {
    for (const d of document.querySelectorAll(".reg-rules details")) {
      if (event.matches) { d.dataset.regWasOpen = d.open; d.open = true; }
      else if (d.dataset.regWasOpen !== undefined) { d.open = d.dataset.regWasOpen === "true"; delete d.dataset.regWasOpen; }
    }
  }

  // a link into a collapsed section of the chapter (a figure, the checklist) opens that section
  function openSection() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    for (let d = target && target.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
  }

  function init() {
    const roots = document.querySelectorAll(".reg-rules");
    roots.forEach(setup);
    if (!roots.length) return;
    window.matchMedia("print").addEventListener("change", printOpen);
    window.addEventListener("hashchange", openSection);
    openSection();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
