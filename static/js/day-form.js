// The day form on a phone (issue #11): more blood pressure rows without a round trip, and after
// a save the status next to the save button gets focus, so the confirmation and any new alert
// are read where the person is. Without this file: "Add another reading" posts the form and the
// page comes back with one more row; a save lands on #save-status.
(function () {
  "use strict";

  function addRow(button) {
    var form = button.form;
    var template = form.querySelector("#reading-row-template");
    var rows = form.querySelector("[data-reading-rows]");
    var total = form.querySelector('[name$="-TOTAL_FORMS"]');
    if (!template || !rows || !total) return false;
    var count = parseInt(total.value, 10) || 0;
    var max = parseInt(rows.getAttribute("data-max"), 10) || 6;
    if (count >= max) return true;
    var html = template.innerHTML.replace(/__prefix__/g, String(count));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(count + 1);
    if (count + 1 >= max) button.hidden = true;
    var first = row.querySelector('[name$="-systolic"]');
    if (first) first.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-reading]");
    if (!button) return;
    if (addRow(button)) {
      event.preventDefault();
      event.stopPropagation();
    }
  });

  // After an htmx save or refusal of the day form (the only form here that htmx swaps).
  document.addEventListener("htmx:afterSettle", function () {
    var status = document.querySelector("#save-status");
    if (status && status.querySelector(".save-done")) {
      // On a phone it sits in the fixed bar, always on screen; on a wide screen new alerts
      // above may have pushed it down, so bring it back into view if needed.
      status.focus({ preventScroll: true });
      var box = status.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) status.scrollIntoView({ block: "nearest" });
      return;
    }
    var invalid = document.querySelector(".day-form .is-invalid");
    if (invalid) invalid.focus();
  });
})();
