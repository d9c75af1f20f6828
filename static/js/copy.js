// "Copy link" buttons for links shown once (invitations, clinician links). Progressive
// enhancement: the buttons are hidden in the page and shown here; without JavaScript the
// read-only field can still be selected and copied by hand.
//
// <input id="x" readonly value="…">
// <button type="button" data-copy="x" data-copy-status="x-status" data-copied="Copied"
//         data-copy-failed="…" hidden>Copy link</button>
// <p id="x-status" role="status"></p>
(function () {
  "use strict";

  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!status) return;
    // Empty first, so saying "Copied" twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function selectAll(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
  }

  function copyBySelection(field) {
    selectAll(field);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      announce(button, button.getAttribute("data-copied"));
    };
    var failed = function () {
      selectAll(field);
      announce(button, button.getAttribute("data-copy-failed"));
    };
    var fallback = function () {
      if (copyBySelection(field)) {
        done();
      } else {
        failed();
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  function init() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.getAttribute("data-copy-ready")) return;
      button.setAttribute("data-copy-ready", "1");
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
