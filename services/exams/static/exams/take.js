// The take page: each answer is saved as it is given (one POST per change), the clock counts the
// server's remaining seconds down and submits the paper when they are over. Without this script
// the submit button still saves every answer in the form.
(function () {
  "use strict";
  var paper = document.getElementById("paper");
  if (!paper) return;
  var texts = document.getElementById("texts").content.firstElementChild.dataset;
  var token = paper.querySelector("input[name=csrfmiddlewaretoken]").value;
  var url = paper.dataset.answerUrl;
  var timers = {};

  function save(fieldset) {
    var id = fieldset.dataset.question;
    var body = new URLSearchParams();
    body.append("question", id);
    fieldset.querySelectorAll("input, textarea").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      body.append("given", input.value);
    });
    var state = fieldset.querySelector(".saved");
    fetch(url, { method: "POST", body: body, headers: { "X-CSRFToken": token }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) { state.textContent = result[0] ? texts.saved : texts.failed + "：" + result[1].detail; })
      .catch(function () { state.textContent = texts.failed; });
  }

  paper.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset) save(fieldset);
  });
  paper.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset || event.target.tagName === "INPUT" && event.target.type !== "text") return;
    clearTimeout(timers[fieldset.dataset.question]);
    timers[fieldset.dataset.question] = setTimeout(function () { save(fieldset); }, 800);
  });
  paper.addEventListener("submit", function (event) {
    if (paper.dataset.over !== "1" && !window.confirm(texts.confirm)) event.preventDefault();
  });
  // Answers given from here on are saved as they are given (before, only the submit button saves).
  paper.dataset.ready = "1";

  var clock = document.getElementById("clock");
  var left = parseInt(clock.dataset.seconds, 10);
  var shown = document.getElementById("clock-left");
  var ends = Date.now() + left * 1000;
  function tick() {
    var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var minutes = Math.floor(seconds / 60);
    shown.textContent = minutes + ":" + String(seconds % 60).padStart(2, "0");
    if (seconds <= 0) {
      document.getElementById("save-state").textContent = texts.over;
      paper.dataset.over = "1";
      paper.submit();
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
