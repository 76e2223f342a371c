// Shared behaviour of every page. Loaded with defer after htmx, so htmx is defined here.
(function () {
  "use strict";

  function csrf() {
    const token = document.querySelector('meta[name="_csrf"]');
    const header = document.querySelector('meta[name="_csrf_header"]');
    return token && header ? { header: header.content, token: token.content } : null;
  }

  // Every htmx request carries the session's CSRF token; Spring Security refuses unsafe requests without it.
  document.addEventListener("htmx:configRequest", function (event) {
    const c = csrf();
    if (c) {
      event.detail.headers[c.header] = c.token;
    }
  });

  // A failed htmx request must not fail silently: the page says so in its flash area.
  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401) {
      return; // HX-Redirect to the login page follows
    }
    showError("The request failed (" + status + "). Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("The server cannot be reached. Check the connection and try again.");
  });

  function showError(text) {
    const area = document.querySelector(".ps-flash");
    if (!area) {
      return;
    }
    const alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    area.replaceChildren(alert);
  }

  /** Shared helpers for page scripts: Polysync.csrf() → {header, token} for fetch() calls of their own. */
  window.Polysync = { csrf: csrf };
})();
