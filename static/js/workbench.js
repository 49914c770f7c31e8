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

  function showNotice(message, { error = false, warning = false, undoUrl = "" } = {}) {
    clearTimeout(noticeTimer);
    noticeText.textContent = message;
    notice.classList.toggle("is-error", error);
    notice.classList.toggle("is-warning", warning && !error);
    notice.setAttribute("role", error || warning ? "alert" : "status");
    noticeUndo.hidden = !undoUrl;
    noticeUndo.dataset.url = undoUrl;
    notice.hidden = false;
    // Errors and warnings stay until dismissed; an undo offer stays long enough to change one's mind.
    if (!error && !warning) noticeTimer = setTimeout(hideNotice, undoUrl ? 15000 : 5000);
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
    return htmx.ajax("GET", url.pathname + url.search, { target: popover, swap: "innerHTML" }).then(() => {
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
      // From the list (mouse or keyboard): bring the span into view, flash it and focus it, so that Enter
      // opens it, its note shows, and the arrow keys go on from its words.
      if (isDrawer()) setPanelOpen(false, { restoreFocus: false });
      const first = flashSpan(goto.dataset.goto);
      if (first) first.focus({ preventScroll: true });
      return;
    }
    const toggle = event.target.closest("[data-panel-toggle]");
    if (toggle) {
      setPanelOpen(!bench.classList.contains("panel-open"));
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

  // ---- Narrow windows: the panel as a drawer ----------------------------------------------------------

  const panel = document.getElementById("side-panel");
  const panelToggle = bench.querySelector(".panel-toggle");

  // The toggle is shown only where the panel does not fit beside the article (see app.css).
  const isDrawer = () => panelToggle && getComputedStyle(panelToggle).display !== "none";

  function setPanelOpen(open, { restoreFocus = true } = {}) {
    bench.classList.toggle("panel-open", open);
    for (const toggle of bench.querySelectorAll("[data-panel-toggle]")) {
      toggle.setAttribute("aria-expanded", String(open));
    }
    if (open) {
      const first = panel.querySelector(".panel-close");
      if (first && isDrawer()) first.focus({ preventScroll: true });
    } else if (restoreFocus && panel.contains(document.activeElement)) {
      panelToggle.focus({ preventScroll: true });
    }
  }

  // ---- Keyboard: paragraphs and the word cursor --------------------------------------------------------

  function moveParagraph(step) {
    const paragraphs = [...document.querySelectorAll("#paragraphs .para")];
    if (!paragraphs.length) return;
    const current = paragraphs.indexOf(document.activeElement.closest(".para"));
    const next = current === -1 ? (step > 0 ? 0 : paragraphs.length - 1) : current + step;
    const target = paragraphs[Math.max(0, Math.min(paragraphs.length - 1, next))];
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  const segmenters = window.Intl && Intl.Segmenter
    ? { word: new Intl.Segmenter(undefined, { granularity: "word" }),
        sentence: new Intl.Segmenter(undefined, { granularity: "sentence" }) }
    : null;

  // Words as UTF-16 [start, end) of the paragraph's text.
  function wordsOf(text) {
    if (segmenters) {
      return [...segmenters.word.segment(text)]
        .filter((part) => part.isWordLike)
        .map((part) => ({ start: part.index, end: part.index + part.segment.length }));
    }
    return [...text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  }

  function sentencesOf(text) {
    if (segmenters) {
      return [...segmenters.sentence.segment(text)].map((part) => ({
        start: part.index,
        end: part.index + part.segment.length,
      }));
    }
    return [...text.matchAll(/[^.!?]+[.!?]*\s*/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  }

  // A DOM range over UTF-16 offsets of the element's text, across its marks and links.
  function rangeOver(element, start, end) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let position = 0;
    let startSet = false;
    for (let node; (node = walker.nextNode()); ) {
      const length = node.data.length;
      if (!startSet && start < position + length) {
        range.setStart(node, start - position);
        startSet = true;
      }
      if (startSet && end <= position + length) {
        range.setEnd(node, end - position);
        break;
      }
      position += length;
    }
    return range;
  }

  const status = document.getElementById("keyboard-status");
  let cursor = null; // {element, words, anchor, focus, start, end}: the words the arrow keys selected

  function wordIndexAt(words, offset) {
    const index = words.findIndex((word) => word.end > offset);
    return index === -1 ? words.length - 1 : index;
  }

  // The cursor of the focused paragraph: the one the arrows left, else taken from a mouse selection there.
  function cursorFor(element) {
    const text = element.textContent;
    const words = wordsOf(text);
    if (!words.length) return null;
    const selection = window.getSelection();
    const current = selection.rangeCount && !selection.isCollapsed ? selection.getRangeAt(0) : null;
    const inside = current && element.contains(current.startContainer) && element.contains(current.endContainer);
    const start = inside ? textOffset(element, current.startContainer, current.startOffset) : -1;
    const end = inside ? textOffset(element, current.endContainer, current.endOffset) : -1;
    if (cursor && cursor.element === element && cursor.start === start && cursor.end === end) return cursor;
    if (inside) {
      return { element, words, anchor: wordIndexAt(words, start), focus: wordIndexAt(words, Math.max(start, end - 1)) };
    }
    const focused = document.activeElement.closest("mark[data-annotation-id]");
    if (focused && element.contains(focused)) {
      const at = wordIndexAt(words, textOffset(element, focused, 0));
      return { element, words, anchor: at, focus: at, fresh: true };
    }
    return { element, words, anchor: -1, focus: -1, fresh: true };
  }

  function sentenceTarget(text, words, focus, step) {
    const sentences = sentencesOf(text);
    const word = words[focus];
    let index = sentences.findIndex((sentence) => sentence.end > word.start);
    if (index === -1) index = sentences.length - 1;
    const edge = (i) => {
      const sentence = sentences[Math.max(0, Math.min(sentences.length - 1, i))];
      const inside = words.map((w, n) => [w, n]).filter(([w]) => w.start >= sentence.start && w.end <= sentence.end);
      if (!inside.length) return focus;
      return step > 0 ? inside[inside.length - 1][1] : inside[0][1];
    };
    const target = edge(index);
    return target !== focus ? target : edge(index + step);
  }

  function moveCursor(element, key, extend) {
    const state = cursorFor(element);
    if (!state) return;
    const { words } = state;
    const last = words.length - 1;
    if (state.anchor === -1) {
      const first = key === "ArrowLeft" || key === "ArrowUp" ? last : 0;
      state.anchor = state.focus = first;
    } else if (state.fresh) {
      // The first arrow on a focused span selects its first word.
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      const step = key === "ArrowRight" ? 1 : -1;
      state.focus = Math.max(0, Math.min(last, state.focus + step));
      if (!extend) state.anchor = state.focus;
    } else {
      state.focus = sentenceTarget(element.textContent, words, state.focus, key === "ArrowDown" ? 1 : -1);
    }
    delete state.fresh;
    const from = Math.min(state.anchor, state.focus);
    const to = Math.max(state.anchor, state.focus);
    state.start = words[from].start;
    state.end = words[to].end;
    cursor = state;
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(rangeOver(element, state.start, state.end));
    const quote = element.textContent.slice(state.start, state.end);
    if (status) status.textContent = `Selected: ${quote}`;
    const read = readSelection();
    if (read && !read.error && canTag) {
      hidePopover();
      showToolbar(read);
    }
  }

  // The innermost span under the start of the current selection, if the selection is in `element`.
  function markAtSelection(element) {
    const selection = window.getSelection();
    if (!selection.rangeCount) return null;
    const node = selection.getRangeAt(0).startContainer;
    const start = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const mark = start && start.closest("mark[data-annotation-id]");
    return mark && element.contains(mark) ? mark : null;
  }

  const CURSOR_KEYS = new Set(["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"]);

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      hideToolbar();
      hidePopover();
      if (bench.classList.contains("panel-open")) setPanelOpen(false);
      // Otherwise the words stay selected and the next label key would tag them after all.
      window.getSelection().removeAllRanges();
      cursor = null;
      return;
    }
    const field = event.target.closest("input, textarea, select, [contenteditable]");
    if (field || event.ctrlKey || event.metaKey || event.altKey || shortcutsDialog.open) return;
    const paragraph = document.activeElement.closest("#paragraphs .para");
    const text = paragraph && paragraph.querySelector("[data-paragraph-id]");
    if (text && CURSOR_KEYS.has(event.key) && (event.shiftKey || event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      // Left/right move the word cursor, with Shift they extend by a word, Shift+down/up by a sentence.
      event.preventDefault();
      moveCursor(text, event.key, event.shiftKey);
      return;
    }
    if (event.key === "Enter" && !event.target.closest("a, button")) {
      const focusedMark = document.activeElement.closest("mark[data-annotation-id]");
      const mark = focusedMark || (text && markAtSelection(text));
      if (mark) {
        event.preventDefault();
        openPopover(mark, focusedMark || paragraph);
      }
      return;
    }
    if (event.key === "Tab" && !event.shiftKey && pending && !toolbar.hidden && paragraph) {
      // The toolbar floats after the page in the tab order: from the selected words it comes next.
      event.preventDefault();
      toolbar.elements.attributed_to.focus();
      return;
    }
    const key = event.key.toLowerCase();
    const selection = pending || readSelection();
    if (labelKeys.has(key) && selection && canTag) {
      event.preventDefault();
      tag(labelKeys.get(key));
    } else if (key === "j" || key === "k") {
      event.preventDefault();
      cursor = null;
      moveParagraph(key === "j" ? 1 : -1);
    } else if (key === "u") {
      event.preventDefault();
      undoLastForm.requestSubmit();
    } else if (key === "p" && panelToggle) {
      event.preventDefault();
      setPanelOpen(!bench.classList.contains("panel-open"));
    } else if (event.key === "?") {
      event.preventDefault();
      shortcutsDialog.showModal();
    }
  });

  // ---- Nothing typed is lost: conflicts and ended sessions ------------------------------------------

  // What the analyst sent, kept until the server took it: after a conflict the popover reopens on the span
  // as it now is and offers these values; after a session that ended, the page offers them after login.
  const unsavedKey = `provenance-unsaved:${window.location.pathname}`;
  const ownTemplate = document.getElementById("own-values-template");

  function readUnsaved() {
    try {
      return JSON.parse(sessionStorage.getItem(unsavedKey) || "null");
    } catch {
      return null;
    }
  }

  function writeUnsaved(value) {
    try {
      if (value) sessionStorage.setItem(unsavedKey, JSON.stringify(value));
      else sessionStorage.removeItem(unsavedKey);
    } catch {
      // Storage may be full or refused: the conflict offer still works from memory.
    }
  }

  function valuesOf(form) {
    const data = new FormData(form);
    return {
      label: data.get("label") || "",
      attributed_to: data.get("attributed_to") || "",
      note: data.get("note") || "",
    };
  }

  // Only what the analyst changed in a span's form: applied after a conflict, it must not undo the other
  // tab's change to a field the analyst left alone.
  function changedValuesOf(form) {
    const values = {};
    const checked = form.querySelector("input[name=label]:checked");
    if (checked && !checked.defaultChecked) values.label = checked.value;
    for (const name of ["attributed_to", "note"]) {
      const field = form.elements[name];
      if (field && field.value !== field.defaultValue) values[name] = field.value;
    }
    return values;
  }

  function labelName(slug) {
    const button = toolbar.querySelector(`button[data-label="${CSS.escape(slug)}"]`);
    return button ? button.dataset.name : slug;
  }

  let unsaved = null;

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (form === toolbar) {
      const values = valuesOf(toolbar);
      unsaved = {
        kind: "create",
        values,
        paragraph: toolbar.elements.paragraph.value,
        start: toolbar.elements.start.value,
        end: toolbar.elements.end.value,
        quote: toolbar.elements.quote.value,
      };
    } else if (form.matches && form.matches("form.span-edit")) {
      const card = form.closest("[data-card-for]");
      unsaved = { kind: "change", span: card.dataset.cardFor, values: changedValuesOf(form) };
    } else {
      return;
    }
    writeUnsaved(unsaved);
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form !== toolbar && !(form.matches && form.matches("form.span-edit"))) return;
    const answered = event.detail.xhr ? event.detail.xhr.status : 0;
    // 401: the session ended and the page goes to the login; 409: the conflict offer below takes over;
    // 0: the server was not reached. Anything else was answered, and the typed values are still on screen.
    if (answered !== 401 && answered !== 409 && answered !== 0) {
      unsaved = null;
      writeUnsaved(null);
    }
  });

  function ownValuesBox(saved, title, applyText, onApply) {
    const box = ownTemplate.content.firstElementChild.cloneNode(true);
    box.querySelector(".own-values-title").textContent = title;
    for (const name of ["label", "attributed_to", "note"]) {
      const cell = box.querySelector(`[data-own="${name}"]`);
      if (!(name in saved.values)) {
        cell.parentElement.remove(); // left as it was: nothing to offer
        continue;
      }
      const value = saved.values[name];
      cell.textContent = name === "label" ? labelName(value) : value || "— (emptied)";
    }
    const apply = box.querySelector("[data-own-apply]");
    apply.textContent = applyText;
    // Removed after this click has reached the page's handler, which closes the popover on a click outside it.
    apply.addEventListener("click", () => {
      setTimeout(() => box.remove());
      onApply();
    });
    box.querySelector("[data-own-discard]").addEventListener("click", () => {
      setTimeout(() => box.remove());
      unsaved = null;
      writeUnsaved(null);
    });
    return box;
  }

  // Reopen a span at its current version with the analyst's own values offered on top of its card.
  function offerOnSpan(saved, title) {
    const mark = document.querySelector(`mark[data-annotation-id="${CSS.escape(saved.span)}"]`);
    if (!mark) {
      const typed = Object.entries(saved.values).map(([name, value]) => `${name.replace("_", " ")}: ${name === "label" ? labelName(value) : `“${value}”`}`);
      showNotice(`${title} The span is no longer in this layer; what you typed was ${typed.join(", ") || "nothing"}.`, { error: true });
      unsaved = null;
      writeUnsaved(null);
      return;
    }
    openPopover(mark).then(() => {
      const card = popover.querySelector(`[data-card-for="${CSS.escape(saved.span)}"]`);
      const form = card && card.querySelector("form.span-edit");
      if (!form) return;
      const box = ownValuesBox(saved, title, "Apply my values", () => {
        const { label, ...texts } = saved.values;
        const radio = label && form.querySelector(`input[name=label][value="${CSS.escape(label)}"]`);
        if (radio) radio.checked = true;
        for (const [name, value] of Object.entries(texts)) form.elements[name].value = value;
        form.requestSubmit();
      });
      card.insertBefore(box, card.querySelector("blockquote").nextSibling);
      box.querySelector("[data-own-apply]").focus({ preventScroll: true });
    });
  }

  // A span tagged when the session ended: offered again, under its paragraph.
  function offerCreate(saved) {
    const paragraph = document.querySelector(`[data-paragraph-id="${CSS.escape(String(saved.paragraph))}"]`);
    if (!paragraph || !canTag) return;
    const box = ownValuesBox(
      saved,
      `Not saved when your session ended: “${saved.quote}”.`,
      "Save this span",
      () => {
        for (const name of ["paragraph", "start", "end", "quote", "label", "attributed_to", "note"]) {
          toolbar.elements[name].value = name in saved.values ? saved.values[name] : saved[name];
        }
        hidePopover();
        toolbar.requestSubmit();
      },
    );
    popover.replaceChildren(box);
    popover.hidden = false;
    popoverOpener = paragraph.closest(".para");
    placeBelow(popover, paragraph.getBoundingClientRect());
    box.querySelector("[data-own-apply]").focus({ preventScroll: true });
  }

  const left = readUnsaved();
  if (left && left.values) {
    unsaved = left;
    if (left.kind === "change") offerOnSpan(left, "Not saved when your session ended.");
    else offerCreate(left);
  }

  // ---- Server answers ------------------------------------------------------------------------------

  // A keyboard user tagging or editing goes on in the same paragraph once it is redrawn.
  let refocus = null;
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!refocus) return;
    const active = document.activeElement;
    const paragraph = document.getElementById(`para-${refocus}`);
    refocus = null;
    if (paragraph && (!active || active === document.body || !active.isConnected)) {
      paragraph.focus({ preventScroll: true });
    }
  });

  document.body.addEventListener("annotationChanged", (event) => {
    const detail = event.detail || {};
    const active = document.activeElement;
    if (detail.paragraph && active && (toolbar.contains(active) || popover.contains(active) || active.closest(".para"))) {
      refocus = detail.paragraph;
    }
    hideToolbar();
    hidePopover();
    window.getSelection().removeAllRanges();
    cursor = null;
    if (detail.warning) showNotice(`${detail.message} ${detail.warning}`, { warning: true, undoUrl: detail.undo || "" });
    else if (detail.message) showNotice(detail.message, { undoUrl: detail.undo || "" });
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
    const span = String(event.detail.span || "");
    if (unsaved && unsaved.kind === "change" && unsaved.span === span) {
      offerOnSpan(unsaved, "Your values were not saved: the span changed meanwhile. It is shown as it now is.");
    }
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
