/* Behaviour every page shares: a form with data-confirm asks before it submits (an irreversible
   step: a commit, a letter, a deletion). CSP allows scripts from 'self' only: no inline code, the
   question comes from the page. */
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
