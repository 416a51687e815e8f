/* Roster import page: poll the job's status while the worker runs, then reload to show the
   preview (the question before a commit is partycloud/app.js's data-confirm). CSP allows scripts from 'self' only: no inline code,
   texts come from the page (data attributes). */
(function () {
  "use strict";

  var box = document.querySelector("[data-import-status]");
  if (box) {
    var url = box.getAttribute("data-import-status");
    var running = ["validating", "committing"];
    var processed = box.querySelector("[data-processed]");
    var total = box.querySelector("[data-total]");
    var bar = box.querySelector("progress");
    var note = box.querySelector("[data-note]");
    var failures = 0;

    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (job) {
          failures = 0;
          if (running.indexOf(job.status) < 0) {
            window.location.reload();
            return;
          }
          if (note) {
            note.textContent = job.note || "";
            note.hidden = !job.note;
          }
          if (processed) { processed.textContent = job.processed_rows; }
          if (total) { total.textContent = job.total_rows || "…"; }
          if (bar && processed && job.total_rows) {
            bar.max = job.total_rows;
            bar.value = Math.min(job.processed_rows, job.total_rows);
          }
          window.setTimeout(poll, 1500);
        })
        .catch(function () {
          failures += 1;
          if (failures < 5) { window.setTimeout(poll, 3000); }
        });
    };
    if (bar) { bar.style.width = "100%"; }
    window.setTimeout(poll, 1000);
  }
})();
