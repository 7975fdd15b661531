// The order confirmation's status, kept up to date in place: the page asks the
// server every few seconds and stops once the order is paid or cancelled. The
// status line is a polite live region, so a change is announced without moving
// focus. Without JavaScript the page shows a "Refresh" button instead.
(function () {
  "use strict";

  var box = document.querySelector("[data-order-status-url]");
  if (!box) return;
  var url = box.dataset.orderStatusUrl;
  var delay = (parseInt(box.dataset.pollSeconds, 10) || 10) * 1000;
  var fallback = box.querySelector("[data-refresh-fallback]");
  if (fallback) fallback.hidden = true;

  function show(data) {
    var label = box.querySelector("[data-status-label]");
    if (label.textContent !== data.label) label.textContent = data.label;
    label.className = "status status-" + data.status;
    box.querySelectorAll("[data-step]").forEach(function (step, index) {
      var state = data.steps[index] || "todo";
      step.className = state;
      if (state === "current") {
        step.setAttribute("aria-current", "step");
      } else {
        step.removeAttribute("aria-current");
      }
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) return null; // the order is gone: nothing more to show
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (data === null) return;
        show(data);
        if (!data.final) window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A dropped connection: try again later, more slowly.
        window.setTimeout(poll, delay * 2);
      });
  }

  window.setTimeout(poll, delay);
})();
