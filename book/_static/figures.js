// Figures a reader can enlarge (issue 24). Each report figure links to its SVG; a click or tap
// opens the SVG in a dialog at least as wide as the desktop figure column (672 px), so its
// smallest text is at least 11 px there too; on a phone the dialog scrolls sideways and can be
// pinch-zoomed. Escape, the Close button or a click outside closes it, and focus returns to the
// figure. Without JavaScript the link simply opens the SVG.
"use strict";

const FIGURE_COLUMN_PX = 672;  // analysis.plotting.FIGURE_COLUMN_PX

function figureTitle(fig) {
  const num = fig.querySelector(".caption-number");
  return num ? num.textContent.trim() : "figure";
}

function makeDialog() {
  const dialog = document.createElement("dialog");
  dialog.className = "figure-lightbox";
  dialog.setAttribute("aria-label", "Enlarged figure");
  dialog.innerHTML =
    '<div class="figure-lightbox-bar"><span class="figure-lightbox-title"></span>' +
    '<a class="figure-lightbox-open" target="_blank" rel="noopener">Open the SVG</a>' +
    '<button type="button" class="figure-lightbox-close">Close</button></div>' +
    '<div class="figure-lightbox-body"><img alt=""></div>';
  document.body.appendChild(dialog);
  dialog.querySelector(".figure-lightbox-close").addEventListener("click", () => dialog.close());
  // a click on the backdrop (the dialog element itself, outside its content) closes it
  dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
  return dialog;
}

function setUpFigures() {
  const figures = [...document.querySelectorAll("article.bd-article figure")].filter(
    (f) => f.querySelector("img") && f.querySelector('.figure-downloads a[href$=".svg"]'));
  if (!figures.length) return;
  let dialog = null;
  let opener = null;
  figures.forEach((fig) => {
    const img = fig.querySelector("img");
    const svg = fig.querySelector('.figure-downloads a[href$=".svg"]').getAttribute("href");
    const link = document.createElement("a");
    link.href = svg;
    link.className = "figure-enlarge";
    link.setAttribute("aria-label", `Enlarge ${figureTitle(fig)} (opens the SVG)`);
    img.replaceWith(link);
    link.appendChild(img);
    const hint = document.createElement("span");
    hint.className = "figure-enlarge-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "⤢ enlarge";
    link.appendChild(hint);
    // a visible word beside the downloads too: a phone has no hover to reveal the badge
    const downloads = fig.querySelector(".figure-downloads");
    const word = document.createElement("a");
    word.href = svg;
    word.className = "figure-enlarge-text";
    word.textContent = "enlarge";
    downloads.append(" · ", word);
    const open = (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;  // new tab as the reader asked
      e.preventDefault();
      dialog = dialog || makeDialog();
      const big = dialog.querySelector(".figure-lightbox-body img");
      big.src = svg;
      big.alt = img.alt;
      big.style.width = `${Math.max(FIGURE_COLUMN_PX, Math.min(window.innerWidth - 32, 1400))}px`;
      dialog.querySelector(".figure-lightbox-title").textContent = figureTitle(fig);
      dialog.querySelector(".figure-lightbox-open").href = svg;
      dialog.setAttribute("aria-label", `${figureTitle(fig)}, enlarged`);
      dialog.addEventListener("close", () => { if (opener) opener.focus(); }, { once: true });
      dialog.showModal();
      dialog.querySelector(".figure-lightbox-close").focus();
    };
    link.addEventListener("click", (e) => { opener = link; open(e); });
    word.addEventListener("click", (e) => { open(e); opener = word; });
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setUpFigures);
} else {
  setUpFigures();
}
