// The article page: select words, tag them, edit a span, keyboard shortcuts.
// Offsets are counted on the paragraph element's text (its text nodes), never on its HTML, and sent to the
// server as code points, which is how Python indexes Paragraph.text.
(() => {
  "use strict";

  const bench = document.getElementById("workbench");
  if (!bench || !window.htmx) return;

  const toolbar = document.getElementById("toolbar");
  const popover = document.getElementById("popover");
  const notice = document.getElementById("notice");
  const noticeText = notice.querySelector(".notice-text");
  const noticeUndo = notice.querySelector(".notice-undo");
  const shortcutsDialog = document.getElementById("shortcuts");
  const undoLastForm = document.getElementById("undo-last");
  const canTag = bench.dataset.canTag === "true";
  const labelKeys = new Map();
  for (const button of toolbar.querySelectorAll("button[data-label]")) {
    labelKeys.set(button.dataset.shortcut.toLowerCase(), button.dataset.label);
  }

  // ---- Offsets -------------------------------------------------------------------------------------

  function codePointLength(text) {
    let count = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
      }
      count++;
    }
    return count;
  }

  // UTF-16 offset of a boundary point, counted over the text nodes before it inside the paragraph.
  function textOffset(paragraph, node, offset) {
    const before = document.createRange();
    before.selectNodeContents(paragraph);
    before.setEnd(node, offset);
    return before.toString().length;
  }

  function paragraphOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest("[data-paragraph-id]") : null;
  }

  const SPACE = /\s/u;
  const WORD_START = /^[\p{L}\p{N}\p{M}]/u;
  const WORD_END = /[\p{L}\p{N}\p{M}]$/u;

  // The word character (one code point, so one or two UTF-16 units) just after or just before `index`.
  const wordAfter = (text, index) => (text.slice(index, index + 2).match(WORD_START) || [""])[0];
  const wordBefore = (text, index) => (text.slice(Math.max(0, index - 2), index).match(WORD_END) || [""])[0];

  // A drag rarely lands exactly between words: a boundary inside a word moves out to the word's edge, so a
  // span never holds half a word; boundaries already between words stay where they are.
  function snapToWords(text, start, end) {
    if (wordAfter(text, start)) {
      for (let piece; (piece = wordBefore(text, start)); ) start -= piece.length;
    }
    if (wordBefore(text, end)) {
      for (let piece; (piece = wordAfter(text, end)); ) end += piece.length;
    }
    return [start, end];
  }

  // A triple click ends the range at the start of the next paragraph, a drag may end just past the last
  // word: true when what the range holds after the end of `paragraph` is only white space.
  function endsInSpaceAfter(paragraph, range) {
    const after = document.createRange();
    after.setStart(paragraph, paragraph.childNodes.length);
    after.setEnd(range.endContainer, range.endOffset);
    return after.toString().trim() === "";
  }

  // Return {paragraph, start, end, quote, rect}, {error} for a selection across paragraphs, or null.
  function readSelection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const first = paragraphOf(range.startContainer);
    const last = paragraphOf(range.endContainer);
    if (!first && !last) return null;
    if (first !== last && !(first && endsInSpaceAfter(first, range))) {
      return { error: "A span stays inside one paragraph: select words within a single paragraph." };
    }
    const text = first.textContent;
    let start = textOffset(first, range.startContainer, range.startOffset);
    let end = first === last ? textOffset(first, range.endContainer, range.endOffset) : text.length;
    while (start < end && SPACE.test(text[start])) start++;
    while (end > start && SPACE.test(text[end - 1])) end--;
    if (start === end) return null;
    [start, end] = snapToWords(text, start, end);
    return {
      paragraph: first.dataset.paragraphId,
      start: codePointLength(text.slice(0, start)),
      end: codePointLength(text.slice(0, end)),
      quote: text.slice(start, end),
      range: range.cloneRange(),
    };
  }

  // ---- Notices -------------------------------------------------------------------------------------

  let noticeTimer = null;

  function showNotice(message, { error = false, undoUrl = "" } = {}) {
    clearTimeout(noticeTimer);
    noticeText.textContent = message;
    notice.classList.toggle("is-error", error);
    notice.setAttribute("role", error ? "alert" : "status");
    noticeUndo.hidden = !undoUrl;
    noticeUndo.dataset.url = undoUrl;
    notice.hidden = false;
    // Errors stay until dismissed; an undo offer stays long enough to change one's mind.
    if (!error) noticeTimer = setTimeout(hideNotice, undoUrl ? 15000 : 5000);
  }

  function hideNotice() {
    clearTimeout(noticeTimer);
    notice.hidden = true;
  }

  noticeUndo.addEventListener("click", () => {
    const url = noticeUndo.dataset.url;
    if (!url) return;
    hideNotice();
    htmx.ajax("POST", url, { source: noticeUndo, swap: "none" });
  });
  notice.querySelector(".notice-close").addEventListener("click", hideNotice);

  // ---- Floating boxes ------------------------------------------------------------------------------

  // Position a box under a rectangle of the viewport, inside the page; absolute, so nothing shifts.
  function placeBelow(box, rect) {
    const margin = 8;
    const width = box.offsetWidth;
    const left = Math.min(
      Math.max(window.scrollX + rect.left, window.scrollX + margin),
      window.scrollX + document.documentElement.clientWidth - width - margin,
    );
    box.style.left = `${Math.max(left, margin)}px`;
    box.style.top = `${window.scrollY + rect.bottom + margin}px`;
  }

  let pending = null;
  // Keep the words being tagged visibly marked while focus is in the toolbar's fields.
  const canMarkPending = Boolean(window.CSS && CSS.highlights && window.Highlight);

  const sameWords = (a, b) => a && b && a.paragraph === b.paragraph && a.start === b.start && a.end === b.end;

  // Who said it and the note belong to the words they were typed for, never to the next selection.
  function clearToolbarFields() {
    toolbar.elements.attributed_to.value = "";
    toolbar.elements.note.value = "";
  }

  function showToolbar(selection) {
    if (!sameWords(pending, selection)) clearToolbarFields();
    pending = selection;
    for (const name of ["paragraph", "start", "end", "quote"]) {
      toolbar.elements[name].value = selection[name];
    }
    toolbar.hidden = false;
    placeBelow(toolbar, selection.range.getBoundingClientRect());
    if (canMarkPending) CSS.highlights.set("pending-span", new Highlight(selection.range));
  }

  function hideToolbar() {
    const paragraph = pending && document.querySelector(`#para-${CSS.escape(pending.paragraph)}`);
    if (toolbar.contains(document.activeElement)) {
      if (paragraph) paragraph.focus({ preventScroll: true });
      else document.activeElement.blur();
    }
    pending = null;
    toolbar.hidden = true;
    clearToolbarFields();
    if (canMarkPending) CSS.highlights.delete("pending-span");
  }

  // Content loaded above the selection moves the words; the toolbar follows them.
  function replaceToolbar() {
    if (pending && !toolbar.hidden) placeBelow(toolbar, pending.range.getBoundingClientRect());
  }
  document.body.addEventListener("htmx:afterSettle", replaceToolbar);
  window.addEventListener("resize", replaceToolbar);

  let popoverOpener = null;

  // Only hide: a form inside may still be waiting for htmx to swap its answer elsewhere.
  // Focus goes back where it came from, so the keyboard shortcuts work again at once.
  function hidePopover() {
    if (popover.hidden) return;
    const hadFocus = popover.contains(document.activeElement);
    popover.hidden = true;
    if (hadFocus) {
      const back = popoverOpener && popoverOpener.isConnected ? popoverOpener : null;
      if (back) back.focus({ preventScroll: true });
      else document.activeElement.blur();
    }
  }

  function tag(label) {
    const selection = pending || readSelection();
    if (!selection) return;
    if (selection.error) {
      showNotice(selection.error, { error: true });
      return;
    }
    if (!pending) showToolbar(selection);
    toolbar.elements.label.value = label;
    toolbar.requestSubmit();
  }

  for (const button of toolbar.querySelectorAll("button[data-label]")) {
    button.addEventListener("click", () => tag(button.dataset.label));
  }

  function openPopover(mark, opener) {
    popoverOpener = opener || mark.closest(".para");
    const ids = [];
    for (let node = mark; node; node = node.parentElement.closest("mark[data-annotation-id]")) {
      if (!ids.includes(node.dataset.annotationId)) ids.push(node.dataset.annotationId);
    }
    const url = new URL(bench.dataset.popoverUrl, window.location.href);
    url.searchParams.set("ids", ids.join(","));
    htmx.ajax("GET", url.pathname + url.search, { target: popover, swap: "innerHTML" }).then(() => {
      popover.hidden = false;
      placeBelow(popover, mark.getBoundingClientRect());
      const first = popover.querySelector("input[type=radio]:checked") || popover;
      first.focus({ preventScroll: true });
    });
  }

  // ---- Mouse and selection -------------------------------------------------------------------------

  function onSelectionEnd(event) {
    if (toolbar.contains(event.target) || popover.contains(event.target)) return;
    const selection = readSelection();
    if (!selection) {
      hideToolbar();
      return;
    }
    if (selection.error) {
      hideToolbar();
      showNotice(selection.error, { error: true });
      return;
    }
    if (!canTag) {
      showNotice("This layer is read-only: switch to your spans or everyone's to tag.", { error: true });
      return;
    }
    hidePopover();
    showToolbar(selection);
  }

  document.addEventListener("mouseup", onSelectionEnd);
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") onSelectionEnd(event);
  });

  document.addEventListener("click", (event) => {
    const mark = event.target.closest("mark[data-annotation-id]");
    const selection = window.getSelection();
    if (mark && selection && selection.isCollapsed) {
      openPopover(mark);
      return;
    }
    const goto = event.target.closest("[data-goto]");
    if (goto) {
      // From the list (mouse or keyboard): bring the span into view, flash it, open its details.
      const first = flashSpan(goto.dataset.goto);
      if (first) openPopover(first, goto);
      return;
    }
    if (event.target.closest("[data-show-shortcuts]")) {
      shortcutsDialog.showModal();
      return;
    }
    if (!popover.hidden && !popover.contains(event.target)) hidePopover();
  });

  function flashSpan(id) {
    const pieces = document.querySelectorAll(`mark[data-annotation-id="${CSS.escape(id)}"]`);
    if (!pieces.length) return null;
    pieces[0].scrollIntoView({ block: "center" });
    for (const piece of pieces) {
      piece.classList.remove("flash");
      void piece.offsetWidth; // restart the animation when flashed twice in a row
      piece.classList.add("flash");
    }
    return pieces[0];
  }

  // ---- Keyboard ------------------------------------------------------------------------------------

  function moveParagraph(step) {
    const paragraphs = [...document.querySelectorAll("#paragraphs .para")];
    if (!paragraphs.length) return;
    const current = paragraphs.indexOf(document.activeElement.closest(".para"));
    const next = current === -1 ? (step > 0 ? 0 : paragraphs.length - 1) : current + step;
    const target = paragraphs[Math.max(0, Math.min(paragraphs.length - 1, next))];
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      hideToolbar();
      hidePopover();
      // Otherwise the words stay selected and the next label key would tag them after all.
      window.getSelection().removeAllRanges();
      return;
    }
    const field = event.target.closest("input, textarea, select, [contenteditable]");
    if (field || event.ctrlKey || event.metaKey || event.altKey || shortcutsDialog.open) return;
    const key = event.key.toLowerCase();
    const selection = pending || readSelection();
    if (labelKeys.has(key) && selection && canTag) {
      event.preventDefault();
      tag(labelKeys.get(key));
    } else if (key === "j" || key === "k") {
      event.preventDefault();
      moveParagraph(key === "j" ? 1 : -1);
    } else if (key === "u") {
      event.preventDefault();
      undoLastForm.requestSubmit();
    } else if (event.key === "?") {
      event.preventDefault();
      shortcutsDialog.showModal();
    }
  });

  // ---- Server answers ------------------------------------------------------------------------------

  document.body.addEventListener("annotationChanged", (event) => {
    const detail = event.detail || {};
    hideToolbar();
    hidePopover();
    window.getSelection().removeAllRanges();
    if (detail.message) showNotice(detail.message, { undoUrl: detail.undo || "" });
  });

  // A conflict means someone changed the span since this page loaded. Its 409 answer carries the span's
  // paragraph as it now is (an out-of-band swap htmx makes only if told to) and the message, after the swap.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 409) event.detail.shouldSwap = true;
  });

  document.body.addEventListener("spanConflict", (event) => {
    showNotice(event.detail.message, { error: true });
    hidePopover();
    if (pending && !pending.range.startContainer.isConnected) hideToolbar();
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const { xhr } = event.detail;
    if (xhr.status === 409) return; // told by spanConflict
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    showNotice(plain && xhr.responseText ? xhr.responseText : `The server refused this (${xhr.status}).`, {
      error: true,
    });
  });

  document.body.addEventListener("htmx:sendError", () => {
    showNotice("The server could not be reached: nothing was saved.", { error: true });
  });
})();
