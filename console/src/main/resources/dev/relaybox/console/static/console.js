// Relaybox console: the only script. Live regions refresh themselves; confirmations ask first.
// Everything works without it: pages render on the server and actions confirm on a page of their own.
(function () {
  "use strict";

  function refresh(el) {
    if (document.hidden) { return; }
    fetch(el.getAttribute("data-live"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { el.innerHTML = html; } })
      .catch(function () { /* the next tick tries again */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(function (el) {
      var every = parseInt(el.getAttribute("data-every") || "2000", 10);
      setInterval(function () { refresh(el); }, Math.max(every, 500));
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
      });
    });
  });
})();
