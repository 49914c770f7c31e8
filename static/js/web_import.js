// The "Add from the web" page. Opened by the "as shown" bookmarklet, it asks the page that opened it for
// that page's HTML by postMessage and fills the form with it; the analyst then presses Import, which posts
// the form (with its CSRF token) to our own origin.
(() => {
  const form = document.querySelector("form.web-import-form");
  if (!form) return;
  for (const link of document.querySelectorAll("a.bookmarklet")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      document.getElementById("html-status").textContent =
        "Drag this link to your bookmarks bar, then click it on the page you want to import.";
    });
  }
  if (form.dataset.waitsForHtml !== "true") return;
  const status = document.getElementById("html-status");
  const button = form.querySelector("button[type=submit]");
  if (!window.opener) {
    status.textContent =
      "The page that opened this window is no longer connected (after a login, for example): " +
      "click the bookmarklet on it again, or import it by its address.";
    return;
  }
  const expected = (() => {
    try { return new URL(form.elements.url.value).origin; } catch { return null; }
  })();
  button.disabled = true;
  status.textContent = "Waiting for the page…";
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window.opener || !data || typeof data.html !== "string" || typeof data.url !== "string") return;
    if (expected && event.origin !== expected) return; // only the page named in the address may send its HTML
    const bytes = new TextEncoder().encode(data.html).length;
    if (bytes > Number(form.dataset.maxBytes)) {
      status.textContent = `The page is ${bytes.toLocaleString()} bytes; the limit is ${Number(form.dataset.maxBytes).toLocaleString()}.`;
      return;
    }
    form.elements.html.value = data.html;
    form.elements.url.value = data.url;
    status.textContent = `Ready: the page as your browser shows it (${Math.ceil(bytes / 1024)} KB). Press Import.`;
    button.disabled = false;
    button.focus();
  });
  window.opener.postMessage("provenance:ready", "*");
})();
