/* Activation slips: poll a run's progress while the worker renders, then reload to show the
   download. CSP allows scripts from 'self' only: no inline code. */
(function () {
  "use strict";

  var box = document.querySelector("[data-slip-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-slip-status");
  var processed = box.querySelector("[data-processed]");
  var total = box.querySelector("[data-total]");
  var bar = box.querySelector("progress");
  var failures = 0;
  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        failures = 0;
        if (job.status !== "queued" && job.status !== "running") {
          window.location.reload();
          return;
        }
        processed.textContent = job.processed;
        total.textContent = job.total;
        if (job.total) { bar.max = job.total; bar.value = Math.min(job.processed, job.total); }
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) { window.setTimeout(poll, 3000); }
      });
  };
  window.setTimeout(poll, 1000);
})();
