/* Transfer pages: on a running batch follow its status endpoint (partycloud/poll.js), then reload
   to show the per-person results (the data-confirm questions are partycloud/app.js's). CSP allows
   scripts from 'self' only: no inline code, the texts come from the page (data attributes). */
(function () {
  "use strict";

  var box = document.querySelector("[data-batch-status]");
  if (!box) { return; }
  var processed = box.querySelector("[data-processed]");
  var okCount = box.querySelector("[data-ok]");
  var errorCount = box.querySelector("[data-errors]");
  var bar = box.querySelector("progress");
  window.partycloudFollowJob(box.getAttribute("data-batch-status"), function (batch) {
    if (batch.status === "done") { return false; }
    processed.textContent = batch.processed;
    okCount.textContent = batch.ok_count;
    errorCount.textContent = batch.error_count;
    if (bar && batch.total) { bar.max = batch.total; bar.value = Math.min(batch.processed, batch.total); }
    return true;
  });
  if (bar) { bar.style.width = "100%"; }
})();
