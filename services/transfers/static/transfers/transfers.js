/* Transfer pages: on a running batch poll its status endpoint (the data-confirm questions are
   partycloud/app.js's), then reload to show the per-person results. CSP allows scripts from 'self'
   only: no inline code, the texts come from the page (data attributes). */
(function () {
  "use strict";

  var box = document.querySelector("[data-batch-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-batch-status");
  var processed = box.querySelector("[data-processed]");
  var okCount = box.querySelector("[data-ok]");
  var errorCount = box.querySelector("[data-errors]");
  var bar = box.querySelector("progress");
  var failures = 0;
  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (batch) {
        failures = 0;
        if (batch.status === "done") { window.location.reload(); return; }
        processed.textContent = batch.processed;
        okCount.textContent = batch.ok_count;
        errorCount.textContent = batch.error_count;
        if (bar && batch.total) { bar.max = batch.total; bar.value = Math.min(batch.processed, batch.total); }
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) { window.setTimeout(poll, 3000); }
      });
  };
  if (bar) { bar.style.width = "100%"; }
  window.setTimeout(poll, 1000);
})();
