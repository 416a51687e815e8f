/* The host's check-in screen and attendance page: ask the state endpoint every few seconds for
   the current code (a new QR image and 6-digit code each slice) and who has checked in. Unlike
   partycloud/poll.js (a job that ends) this never gives up: a projector left on for a whole
   meeting keeps retrying through a network blip, more slowly. CSP allows scripts from 'self'
   only: no inline code. */
(function () {
  "use strict";

  var root = document.querySelector("[data-checkin-state]");
  if (!root) { return; }
  var url = root.getAttribute("data-checkin-state");
  var every = parseInt(root.getAttribute("data-poll-ms"), 10) || 2000;
  var find = function (name) { return root.querySelector("[data-" + name + "]"); };
  var setText = function (name, value) {
    var node = find(name);
    if (node && node.textContent !== String(value)) { node.textContent = value; }
  };

  var showCode = function (state) {
    var box = find("code-box");
    var notice = find("notice");
    if (!box) { return; }
    box.hidden = !state.open;
    if (notice) { notice.hidden = state.open; notice.textContent = state.notice; }
    if (!state.open) { return; }
    var qr = find("qr");
    if (qr.getAttribute("data-url") !== state.url) {
      qr.src = state.qr;
      qr.setAttribute("data-url", state.url);
    }
    setText("code", state.code);
  };

  var showPeople = function (state) {
    var list = find("people");
    if (list && list.children.length !== state.people.length) {
      list.textContent = "";
      state.people.forEach(function (person) {
        var item = document.createElement("li");
        item.textContent = person.name + " ";
        var at = document.createElement("span");
        at.className = "muted";
        at.textContent = person.at;
        item.appendChild(at);
        list.appendChild(item);
      });
    }
    state.people.forEach(function (person) {  // the attendance page's rows
      var row = root.querySelector('[data-attendee="' + person.id + '"]');
      if (!row || row.hasAttribute("data-present")) { return; }
      row.setAttribute("data-present", "");
      row.querySelector("[data-attendee-status]").textContent = person.at;
      var form = row.querySelector("form");
      if (form) { form.hidden = true; }
    });
  };

  var failures = 0;
  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        showCode(state);
        ["present", "expected", "late", "excused"].forEach(function (name) { setText(name, state[name]); });
        showPeople(state);
        window.setTimeout(poll, every);
      })
      .catch(function () {
        failures += 1;
        window.setTimeout(poll, Math.min(every * (failures + 1), 15000));
      });
  };
  window.setTimeout(poll, every);
})();
