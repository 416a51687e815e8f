/* Behaviour every page shares. CSP allows scripts from 'self' only: no inline code, the words
   come from the page.
   - A form with data-confirm asks before it submits (an irreversible step: a commit, a letter, a
     deletion).
   - The phone's "更多" sheet (base.html, #site-more): without JavaScript its link opens it as the
     page's target; here the link becomes a button that says whether the sheet is open
     (aria-expanded), moves the focus into the sheet and keeps it there, and closes it on Escape,
     on "关闭" or on the backdrop, giving the focus back to the button. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  function asButton(link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    while (link.firstChild) { button.appendChild(link.firstChild); }
    link.parentNode.replaceChild(button, link);
    return button;
  }

  var sheet = document.getElementById("site-more");
  var opener = document.querySelector("a[data-sheet-open]");
  if (!sheet || !opener) { return; }
  var toggle = asButton(opener);
  toggle.setAttribute("aria-controls", sheet.id);
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-haspopup", "dialog");
  var closer = sheet.querySelector("a[data-sheet-close]");
  var closeButton = closer ? asButton(closer) : null;

  function focusable() {
    return Array.prototype.filter.call(
      sheet.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea"),
      function (element) { return element.offsetParent !== null; }
    );
  }
  function isOpen() { return sheet.classList.contains("open"); }
  function open() {
    sheet.classList.add("open");
    document.documentElement.classList.add("sheet-open");
    toggle.setAttribute("aria-expanded", "true");
    var first = focusable()[0];
    if (first) { first.focus(); }
  }
  function close() {
    sheet.classList.remove("open");
    document.documentElement.classList.remove("sheet-open");
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }

  toggle.addEventListener("click", function () { if (isOpen()) { close(); } else { open(); } });
  if (closeButton) { closeButton.addEventListener("click", close); }
  sheet.addEventListener("click", function (event) { if (event.target === sheet) { close(); } });
  document.addEventListener("keydown", function (event) {
    if (!isOpen()) { return; }
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      // Keep the focus inside the open sheet: from the last element to the first, and back.
      var elements = focusable();
      var first = elements[0];
      var last = elements[elements.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });
})();
