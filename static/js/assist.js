// ASSIST skip logic as the screener answers. Without this file every question shows, and the server
// ignores answers the rules skip, so the form works the same, only longer.
(function () {
  "use strict";
  var LATER = ["q2", "q3", "q4", "q5", "q6", "q7"];
  var AFTER_Q2 = ["q3", "q4", "q5"];

  function cell(row, question) {
    var select = row.querySelector('select[data-question="' + question + '"]');
    return select ? { select: select, td: select.closest("td") } : null;
  }

  function show(target, visible) {
    if (!target) { return; }
    target.td.classList.toggle("skipped", !visible);
    target.select.disabled = !visible;  // disabled fields are not sent: skipped answers never reach the server
  }

  function apply(row) {
    var q1 = cell(row, "q1");
    var q2 = cell(row, "q2");
    var used = q1 && q1.select.value === "yes";
    LATER.forEach(function (question) { show(cell(row, question), used); });
    if (used && q2 && q2.select.value === "never") {
      AFTER_Q2.forEach(function (question) { show(cell(row, question), false); });
    }
  }

  document.querySelectorAll(".assist-grid tr[data-substance]").forEach(function (row) {
    apply(row);
    row.addEventListener("change", function () { apply(row); });
  });

  var days = document.querySelector("[data-shown-when-injecting]");
  function injecting() {
    var chosen = document.querySelector('input[name="q8"]:checked');
    if (days) { days.hidden = !(chosen && chosen.value === "yes_past_3_months"); }
  }
  document.querySelectorAll('input[name="q8"]').forEach(function (input) {
    input.addEventListener("change", injecting);
  });
  injecting();
})();
