/* Partner Benefits: small enhancements on top of htmx and Bootstrap. Loaded as a file because
   the Content-Security-Policy allows no inline script. Everything works without it. */
(function () {
  "use strict";

  // A "View details" link that opens a row in place is, with JavaScript, a disclosure button:
  // say so to screen readers, and keep aria-expanded in step with the row.
  function enhanceDisclosures(root) {
    root.querySelectorAll("[data-pb-disclosure]").forEach(function (toggle) {
      var region = document.getElementById(toggle.dataset.pbDisclosure);
      if (!region || toggle.hasAttribute("aria-controls")) return;
      toggle.setAttribute("role", "button");
      toggle.setAttribute("aria-controls", region.id);
      toggle.setAttribute("aria-expanded", region.classList.contains("show") ? "true" : "false");
    });
  }

  // When a request fails, say so where its answer would have gone, instead of leaving
  // "Loading…" or a stale result on screen.
  function showError(event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var message = document.createElement("p");
    message.className = "alert alert-danger my-2";
    message.setAttribute("role", "alert");
    message.textContent = document.body.dataset.errorMessage || "Error";
    target.replaceChildren(message);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceDisclosures(document);
  });
  document.addEventListener("htmx:load", function (event) {
    enhanceDisclosures(event.target);
  });
  // The portal's own refusals (too many attempts; key checks paused while Redis is away) answer
  // 429 or 503 with the step and its message: show them like any other answer. Error pages from
  // elsewhere (a proxy) carry no X-Request-ID, the portal's mark, and stay errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if ((xhr.status === 429 || xhr.status === 503) && xhr.getResponseHeader("X-Request-ID")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);
})();
