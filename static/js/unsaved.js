// Nothing typed is lost without a word (issue #11). On forms marked data-warn-unsaved:
// - leaving the page with typed, unsaved values asks first (beforeunload);
// - a save with a half-typed blood pressure reading is stopped, and the status next to the save
//   button says which reading and which number is missing (the server refuses it too).
// Without this file the page still works: the server names the missing number by its field.
(function () {
  "use strict";

  var dirty = new WeakSet();
  // The words come from the page (data-* attributes, translated by the server).
  var NUMBERS = [
    ["systolic", "data-words-top"],
    ["diastolic", "data-words-bottom"],
  ];

  function warnedForm(element) {
    return element && element.closest ? element.closest("form[data-warn-unsaved]") : null;
  }

  function markDirty(event) {
    var form = warnedForm(event.target);
    if (form) dirty.add(form);
  }

  function filled(row, name) {
    var input = row.querySelector('[name$="-' + name + '"]');
    return input && input.value.trim() !== "" ? input : null;
  }

  // The first half-typed reading: {row number, missing input, its words}, or null.
  function halfTypedReading(form) {
    var rows = form.querySelectorAll("[data-reading-row]");
    for (var index = 0; index < rows.length; index++) {
      var row = rows[index];
      var typed = ["systolic", "diastolic", "pulse"].some(function (name) {
        return filled(row, name);
      });
      if (!typed) continue;
      for (var n = 0; n < NUMBERS.length; n++) {
        if (!filled(row, NUMBERS[n][0])) {
          var input = row.querySelector('[name$="-' + NUMBERS[n][0] + '"]');
          return { number: index + 1, input: input, missing: form.getAttribute(NUMBERS[n][1]) };
        }
      }
    }
    return null;
  }

  function say(form, text) {
    var status = form.querySelector("#save-status");
    if (!status) return;
    status.textContent = "";
    var line = document.createElement("p");
    line.className = "mb-0 save-problem";
    line.textContent = text;
    status.appendChild(line);
  }

  // Capture phase on the document: runs before htmx's own submit handler on the form.
  document.addEventListener(
    "submit",
    function (event) {
      var form = warnedForm(event.target);
      if (!form) return;
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute("data-add-reading")) return;
      var half = halfTypedReading(form);
      if (half) {
        event.preventDefault();
        event.stopPropagation();
        say(
          form,
          (form.getAttribute("data-words-half-reading") || "")
            .replace("%(number)s", String(half.number))
            .replace("%(missing)s", half.missing || "")
        );
        if (half.input) half.input.focus();
        return;
      }
      dirty.delete(form);
    },
    true
  );

  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  // After an htmx swap the form is new: it holds unsaved values only if the save was refused.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
      if (form.querySelector(".is-invalid") || document.querySelector(".alert-danger h3")) {
        dirty.add(form);
      }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    var forms = document.querySelectorAll("form[data-warn-unsaved]");
    for (var i = 0; i < forms.length; i++) {
      if (dirty.has(forms[i])) {
        event.preventDefault();
        event.returnValue = "";
        return "";
      }
    }
  });
})();
