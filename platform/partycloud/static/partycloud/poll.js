/* Following a background job (a roster import, a batch of transfers, a run of activation slips):
   ask its status endpoint every 1.5 s and hand each answer to the page's ``show``, which updates
   the progress and returns true while the job runs; when it returns false the page reloads to
   show the result. Network errors are retried a few times, then given up (a manual reload still
   works). Loaded (deferred) before the page's own script. CSP allows scripts from 'self' only. */
window.partycloudFollowJob = function (url, show) {
  "use strict";

  var failures = 0;
  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        failures = 0;
        if (!show(job)) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) { window.setTimeout(poll, 3000); }
      });
  };
  window.setTimeout(poll, 1000);
};
