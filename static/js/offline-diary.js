// The day form without a connection (issue #15). Offline, a save is kept on this device as
// "waiting to send" (offline-queue.js) instead of failing; the service worker sends it later
// through the same form endpoint. A day the server did not take comes back here: a conflict
// (someone else saved the day meanwhile) shows both versions and the person chooses; a value
// the server refused is put back in the form and sent once more, so its error shows by the field.
// Each day kept is tagged with the signed-in person's key (<meta name="offline-user">): a page
// shows and sends only that person's days, never those of someone else who used this device.
(function () {
  "use strict";

  var queue = window.FsgsQueue;
  var marks = document.querySelector("[data-offline-marks]");
  var ownerMeta = document.querySelector('meta[name="offline-user"]');
  var owner = ownerMeta ? ownerMeta.content : "";
  if (!queue || !marks || !owner || !("serviceWorker" in navigator)) return;

  function mine(entry) {
    return entry.owner === owner;
  }

  function text(name, date) {
    return (marks.getAttribute("data-text-" + name) || "").replace("%(date)s", date || "");
  }

  function dayForm() {
    return document.querySelector("form[data-day-url]");
  }

  function formFields(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  // Put saved values back into the form; rows of new readings are added to fit them.
  function fillForm(form, fields, keepVersion) {
    var total = fields.filter(function (field) {
      return /-TOTAL_FORMS$/.test(field[0]);
    })[0];
    var add = form.querySelector("[data-add-reading]");
    var rows = form.querySelector('[name$="-TOTAL_FORMS"]');
    while (total && add && rows && parseInt(rows.value, 10) < parseInt(total[1], 10)) {
      var before = rows.value;
      add.click();
      if (rows.value === before) break;
    }
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "csrfmiddlewaretoken") return;
      if (element.name === "version" && keepVersion) return;
      var values = fields
        .filter(function (field) {
          return field[0] === element.name;
        })
        .map(function (field) {
          return field[1];
        });
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.indexOf(element.value) >= 0;
      } else if (element.type !== "submit" && element.type !== "button") {
        element.value = values.length ? values[0] : "";
      }
    });
  }

  // Forms that show no saved state: a stored copy of the page, or one filled with waiting
  // values. A day the server did not take is shown beside a fresh form, never one of these.
  var notFresh = new WeakSet();
  if (document.documentElement.hasAttribute("data-saved-copy") && dayForm()) {
    notFresh.add(dayForm());
  }

  function reloadForm(form, then) {
    window.htmx
      .ajax("GET", location.pathname, { target: form.getAttribute("hx-target"), swap: "outerHTML" })
      .then(then);
  }

  function say(line) {
    var status = document.querySelector("#save-status");
    if (!status) return;
    status.textContent = "";
    var paragraph = document.createElement("p");
    paragraph.className = "mb-0 save-waiting";
    paragraph.textContent = line;
    status.appendChild(paragraph);
  }

  function optionText(select, value) {
    var option = Array.prototype.filter.call(select.options, function (item) {
      return item.value === value;
    })[0];
    return option ? option.textContent : value;
  }

  // What the person saved offline, as label and value, read from the form's own labels.
  function describe(form, fields) {
    var list = [];
    var named = {};
    fields.forEach(function (field) {
      named[field[0]] = field[1];
    });
    fields.forEach(function (field) {
      var element = form.elements[field[0]];
      if (!element || field[1] === "" || field[0] === "version" || /-FORMS$/.test(field[0])) return;
      if (/_unit$/.test(field[0])) return; // shown with its number
      var unit = form.elements[field[0] + "_unit"];
      if (element.length && !element.options) element = element[0];
      var label = element.id && form.querySelector('label[for="' + element.id + '"]');
      var group = element.closest("fieldset");
      var name = element.type === "radio" && group ? group.querySelector("legend") : label;
      var value = field[1];
      if (element.options) {
        value = optionText(element, field[1]);
      } else if (element.type === "radio") {
        var chosen = form.querySelector('input[name="' + field[0] + '"][value="' + field[1] + '"]');
        var chosenLabel = chosen && form.querySelector('label[for="' + chosen.id + '"]');
        value = chosenLabel ? chosenLabel.textContent : value;
      } else if (element.type === "checkbox") {
        value = "✓";
      }
      if (unit && unit.options && named[field[0] + "_unit"]) {
        value += " " + optionText(unit, named[field[0] + "_unit"]);
      }
      if (name) list.push([name.textContent.trim(), value.trim()]);
    });
    return list;
  }

  function showConflict(form, entry) {
    var panel = marks.querySelector("[data-offline-conflict]");
    var values = panel.querySelector("dl");
    values.textContent = "";
    describe(form, entry.fields).forEach(function (pair) {
      var term = document.createElement("dt");
      var detail = document.createElement("dd");
      term.className = "col-sm-5";
      detail.className = "col-sm-7";
      term.textContent = pair[0];
      detail.textContent = pair[1];
      values.appendChild(term);
      values.appendChild(detail);
    });
    panel.hidden = false;
    panel.querySelector("[data-offline-use-mine]").onclick = function () {
      panel.hidden = true;
      resend(entry);
    };
    panel.querySelector("[data-offline-keep-server]").onclick = function () {
      panel.hidden = true;
      queue.remove(entry.id).then(render);
    };
  }

  // Send an entry the server did not take, from the form, as a person would: the form now
  // holds the values, so the entry on the device goes once the request has left.
  function resend(entry) {
    var form = dayForm();
    fillForm(form, entry.fields, true);
    queue.remove(entry.id).then(function () {
      form.requestSubmit(form.querySelector("#save-day"));
    });
  }

  function render() {
    return queue.all().then(function (all) {
      var entries = all.filter(mine);
      var form = dayForm();
      var here = form && form.getAttribute("data-day-url");
      var list = marks.querySelector("[data-offline-waiting]");
      var items = list.querySelector("ul");
      items.textContent = "";
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = entry.url;
        link.textContent = entry.label;
        item.appendChild(link);
        item.appendChild(document.createTextNode(": " + text(entry.status)));
        item.setAttribute("data-status", entry.status);
        items.appendChild(item);
        if (entry.url !== here) return;
        if (entry.status === "waiting" && form.querySelector("#save-status .save-done")) {
          queue.remove(entry.id); // saved from this form since, with the values put back in it
        } else if (entry.status === "waiting") {
          fillForm(form, entry.fields, false);
          notFresh.add(form);
          say(text("queued"));
        } else if (!navigator.onLine || !window.htmx) {
          return;
        } else if (notFresh.has(form)) {
          reloadForm(form); // then this runs again, beside what is saved now
        } else if (entry.status === "conflict") {
          showConflict(form, entry);
        } else if (entry.status === "invalid") {
          resend(entry);
        }
      });
      list.hidden = entries.length === 0;
    });
  }

  function keep(form) {
    var entry = {
      url: form.getAttribute("data-day-url"),
      day: form.getAttribute("data-day"),
      label: form.getAttribute("data-day-label"),
      fields: formFields(form),
      savedAt: Date.now(),
      owner: owner,
    };
    return queue.add(entry).then(function () {
      render();
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.sync) registration.sync.register("fsgs-send-waiting").catch(function () {});
      });
    });
  }

  // Offline: keep the day instead of sending it. A request that fails on the way (a dropped
  // connection the browser had not noticed) is kept the same way.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (navigator.onLine || form !== dayForm() || event.detail.requestConfig.verb !== "post") {
      return;
    }
    event.preventDefault();
    keep(form);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form === dayForm()) keep(form);
  });

  // The worker sent waiting days. If one is this page's day, the form is loaded again with
  // what is saved now: the day as sent, or (a conflict) the other version beside this one.
  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type !== "fsgs-replayed") return;
    var form = dayForm();
    var sent = data.outcome.sent.filter(mine);
    var here = sent.concat(data.outcome.problems.filter(mine)).filter(function (entry) {
      return form && entry.url === form.getAttribute("data-day-url");
    })[0];
    var sentHere = here && sent.indexOf(here) >= 0;
    var status = document.querySelector("#page-status");
    if (status && sent.length) {
      status.textContent = sent
        .map(function (entry) {
          return text("sent", entry.label);
        })
        .join(" ");
    }
    if (!here || !window.htmx) return render();
    reloadForm(form, function () {
      if (sentHere) say(text("sent", here.label));
    });
  });

  function showConnection() {
    marks.querySelector("[data-offline-notice]").hidden = navigator.onLine;
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();

  document.addEventListener("htmx:afterSettle", render);
  render();
})();
