// Wide tables scroll sideways inside their .table-wrap container, never the whole page.
// When a table is wider than its container, this script shows a hint line above it and
// lets the container take keyboard focus, so arrow keys scroll it too. It checks again
// whenever the container or the table changes size, and when htmx swaps in new content.
// The shadows at the edges that can scroll come from onestop.css and need no script.
(function () {
  "use strict";

  const hintText = document.currentScript.dataset.hint;

  function update(wrap, hint) {
    const overflows = wrap.scrollWidth > wrap.clientWidth + 1;
    hint.hidden = !overflows;
    wrap.classList.toggle("overflows", overflows);
    if (overflows) {
      wrap.tabIndex = 0;
    } else {
      wrap.removeAttribute("tabindex");
    }
  }

  function watch(wrap) {
    if (wrap.dataset.scrollHint) return;
    wrap.dataset.scrollHint = "on";
    const hint = document.createElement("p");
    hint.className = "table-hint";
    hint.hidden = true;
    hint.textContent = hintText;
    wrap.before(hint);
    const observer = new ResizeObserver(() => update(wrap, hint));
    observer.observe(wrap);
    for (const table of wrap.querySelectorAll("table")) observer.observe(table);
    update(wrap, hint);
  }

  function watchAll(root) {
    if (root.matches && root.matches(".table-wrap")) watch(root);
    for (const wrap of root.querySelectorAll(".table-wrap")) watch(wrap);
  }

  document.addEventListener("DOMContentLoaded", () => watchAll(document));
  document.addEventListener("htmx:load", (event) => watchAll(event.target));
})();
