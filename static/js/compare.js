// Compare page: hovering shared text lights up its counterpart on the other side; refusals of the transfer
// form (plain-text 4xx answers) are shown next to it instead of being dropped silently.
(() => {
  "use strict";
  const page = document.getElementById("compare");
  if (!page) return;

  const counterparts = (link) => page.querySelectorAll(`[data-link="${CSS.escape(link)}"]`);

  const light = (event, on) => {
    const mark = event.target.closest("[data-link]");
    if (!mark || !mark.dataset.link) return;
    counterparts(mark.dataset.link).forEach((el) => el.classList.toggle("lit", on));
  };
  page.addEventListener("mouseover", (event) => light(event, true));
  page.addEventListener("mouseout", (event) => light(event, false));

  const status = () => {
    let el = document.getElementById("transfer-status");
    if (!el) {
      el = document.createElement("p");
      el.id = "transfer-status";
      el.className = "transfer-error";
      el.setAttribute("role", "alert");
      document.getElementById("transfer-preview").before(el);
    }
    return el;
  };

  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    status().textContent = plain && xhr.responseText ? xhr.responseText : `The server refused this (${xhr.status}).`;
  });
  document.body.addEventListener("htmx:sendError", () => {
    status().textContent = "The server could not be reached: nothing was saved.";
  });
  document.body.addEventListener("htmx:afterSwap", () => {
    const el = document.getElementById("transfer-status");
    if (el) el.textContent = "";
  });
})();
