/* Activation slips: follow a run's progress while the worker renders (partycloud/poll.js), then
   reload to show the download. CSP allows scripts from 'self' only: no inline code. */
(function () {
  "use strict";

  var box = document.querySelector("[data-slip-status]");
  if (!box) { return; }
  var processed = box.querySelector("[data-processed]");
  var total = box.querySelector("[data-total]");
  var bar = box.querySelector("progress");
  window.partycloudFollowJob(box.getAttribute("data-slip-status"), function (job) {
    if (job.status !== "queued" && job.status !== "running") { return false; }
    processed.textContent = job.processed;
    total.textContent = job.total;
    if (job.total) { bar.max = job.total; bar.value = Math.min(job.processed, job.total); }
    return true;
  });
})();
