/* Document pages: drag and drop onto the upload form, upload with XHR and a progress bar
   (confirmations are partycloud/app.js's data-confirm). CSP allows scripts from 'self' only: no
   inline code; the texts come from the page (data attributes) so they follow the user's language. */
(function () {
  "use strict";

  function showErrors(form, errors) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-errors-for]"), function (list) {
      list.textContent = "";
    });
    Object.keys(errors || {}).forEach(function (field) {
      var list = form.querySelector('[data-errors-for="' + field + '"]') || form.querySelector('[data-errors-for="file"]');
      (errors[field] || []).forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector("[data-dropzone]");
    var nameBox = form.querySelector("[data-filename]");
    var bar = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-progress-text]");
    var button = form.querySelector('button[type="submit"]');
    var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10);

    function chosen() {
      if (input.files && input.files.length) {
        nameBox.textContent = input.files[0].name;
        var title = form.querySelector('input[name="title"]');
        if (title && !title.value) { title.value = input.files[0].name.replace(/\.[^.]+$/, ""); }
      }
    }
    input.addEventListener("change", chosen);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        chosen();
      }
    });

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }  // plain form post
      event.preventDefault();
      if (maxBytes && input.files.length && input.files[0].size > maxBytes) {
        showErrors(form, { file: [form.getAttribute("data-text-too-big")] });
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      status.textContent = form.getAttribute("data-text-uploading");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          status.textContent = form.getAttribute("data-text-uploading") + " " + bar.value + "%";
        }
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (body && body.ok) {
          bar.value = 100;
          status.textContent = form.getAttribute("data-text-done");
          window.location.assign(body.url);
          return;
        }
        button.disabled = false;
        bar.hidden = true;
        status.textContent = "";
        showErrors(form, body && body.errors ? body.errors : { file: [form.getAttribute("data-text-failed")] });
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        bar.hidden = true;
        status.textContent = form.getAttribute("data-text-failed");
      });
      xhr.send(new FormData(form));
    });
  });
})();
