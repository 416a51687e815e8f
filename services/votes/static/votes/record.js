// Live arithmetic on the record page: how many are present, whether that is a quorum, and for each
// candidate whether yes + no + abstain matches present + written opinions. The server checks again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-vote-record]");
  if (!form) return;
  var quorumNeeded = parseInt(form.getAttribute("data-quorum-needed"), 10);
  var majorityNeeded = parseInt(form.getAttribute("data-majority-needed"), 10);
  var summary = document.querySelector("[data-live-summary]");

  function checked(value) {
    return form.querySelectorAll("input[type=radio][name^='presence-'][value='" + value + "']:checked").length;
  }

  function number(input) {
    var value = parseInt(input.value, 10);
    return isNaN(value) ? 0 : value;
  }

  function update() {
    var present = checked("present");
    var written = checked("written");
    var expected = present + written;
    if (summary) {
      summary.textContent = summary.getAttribute(present >= quorumNeeded ? "data-ok" : "data-no")
        .replace("{present}", present).replace("{written}", written).replace("{needed}", quorumNeeded);
      summary.className = present >= quorumNeeded ? "outcome-passed" : "outcome-invalid";
    }
    form.querySelectorAll("fieldset[data-candidate]").forEach(function (fieldset) {
      var inputs = fieldset.querySelectorAll("input[type=number]");
      var total = 0;
      inputs.forEach(function (input) { total += number(input); });
      var yes = inputs.length ? number(inputs[0]) : 0;
      var line = fieldset.querySelector("[data-live-sum]");
      if (!line) return;
      var template = line.getAttribute(total === expected ? "data-ok" : "data-no");
      line.textContent = template.replace("{total}", total).replace("{expected}", expected)
        .replace("{yes}", yes).replace("{needed}", majorityNeeded);
      line.className = total === expected ? "muted" : "form-errors";
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
