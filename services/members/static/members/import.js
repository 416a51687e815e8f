/* Roster import page: follow the job's status while the worker runs (partycloud/poll.js), then
   reload to show the preview (the question before a commit is partycloud/app.js's data-confirm).
   CSP allows scripts from 'self' only: no inline code, texts come from the page (data attributes). */
(function () {
  "use strict";

  var box = document.querySelector("[data-import-status]");
  if (box) {
    var running = ["validating", "committing"];
    var processed = box.querySelector("[data-processed]");
    var total = box.querySelector("[data-total]");
    var bar = box.querySelector("progress");
    var note = box.querySelector("[data-note]");
    window.partycloudFollowJob(box.getAttribute("data-import-status"), function (job) {
      if (running.indexOf(job.status) < 0) { return false; }
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
      return true;
    });
    if (bar) { bar.style.width = "100%"; }
  }
})();
