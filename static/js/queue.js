// The workbench's queue keys: `n` opens the next article of my queue, `d` marks this one done or reopens it.
// Apart from workbench.js so the queue bar and its keys come and go together; the same rules for when a key
// counts: not while typing, not with a modifier, not while a dialog is open.
(() => {
  "use strict";
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key.toLowerCase();
    if (key === "n") {
      const next = document.getElementById("next-article");
      if (!next) return;
      event.preventDefault();
      next.click();
    } else if (key === "d") {
      const toggle = document.getElementById("done-toggle");
      if (!toggle) return;
      event.preventDefault();
      toggle.requestSubmit();
    }
  });
})();
