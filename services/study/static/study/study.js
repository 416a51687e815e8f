/* A study material's page: while the page is visible (Page Visibility API), tell the server every
   few seconds that it is being studied. The server measures the time (heartbeat.py); this script
   only says "still here". It begins by asking for a token for this page: opening the material in
   another tab or another material ends this page's counting, and the server says so. CSP allows
   scripts from 'self' only: no inline code. */
(function () {
  "use strict";

  var root = document.querySelector("[data-study]");
  if (!root || !window.fetch) { return; }
  var material = parseInt(root.getAttribute("data-material"), 10);
  var every = parseInt(root.getAttribute("data-beat-ms"), 10) || 20000;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var status = root.querySelector("[data-status]");
  var credited = root.querySelector("[data-credited]");
  var tab = null;
  var timer = null;
  var stopped = false;

  var text = function (name) { return root.getAttribute("data-msg-" + name) || ""; };
  var say = function (line) { if (status) { status.textContent = line; } };
  var show = function (body) {
    if (credited && typeof body.credited_seconds === "number") {
      credited.textContent = Math.floor(body.credited_seconds / 60) + " / " + Math.floor(body.cap_seconds / 60) + " " + text("minutes");
    }
  };
  var post = function (url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  };
  var stop = function (detail) {
    stopped = true;
    if (timer) { clearInterval(timer); timer = null; }
    say(detail || text("stopped"));
  };
  var beat = function () {
    if (stopped || !tab || document.visibilityState !== "visible") { return; }
    post(root.getAttribute("data-beat-url"), { material: material, tab: tab }).then(function (answer) {
      if (answer.ok) { show(answer.data); say(text("counting")); } else { stop(answer.data.detail); }
    }, function () { say(text("offline")); });
  };
  var start = function () {
    if (timer || stopped) { return; }
    timer = setInterval(beat, every);
  };
  var pause = function () {
    if (timer) { clearInterval(timer); timer = null; }
    if (!stopped) { say(text("paused")); }
  };
  var open = function () {
    post(root.getAttribute("data-open-url"), { material: material }).then(function (answer) {
      if (!answer.ok) { stop(answer.data.detail); return; }
      tab = answer.data.tab;
      show(answer.data);
      say(text("counting"));
      if (document.visibilityState === "visible") { start(); }
    }, function () { say(text("offline")); });
  };
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { beat(); start(); } else { pause(); }
  });
  if (document.visibilityState === "visible") {
    open();
  } else {
    document.addEventListener("visibilitychange", function once() {
      if (document.visibilityState === "visible" && !tab) { document.removeEventListener("visibilitychange", once); open(); }
    });
  }
}());
