// Labs page: the unit list offers only the units that fit the chosen test (issue #11).
// Each unit <option> names its tests in data-kinds; without JavaScript every unit stays listed
// and the server checks that the unit fits the test.
(function () {
  "use strict";

  function filterUnits(units, kind) {
    var fitting = [];
    Array.prototype.forEach.call(units.options, function (option) {
      var kinds = option.getAttribute("data-kinds");
      if (kinds === null) {
        return; // the "choose the unit" prompt stays
      }
      var fits = !kind || kinds.split(" ").indexOf(kind) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (fits) {
        fitting.push(option);
      }
    });
    var chosen = units.options[units.selectedIndex];
    if (chosen && chosen.disabled) {
      units.value = "";
    }
    if (kind && fitting.length === 1) {
      units.value = fitting[0].value;
    }
  }

  // The "another test" name and unit matter only for another test (a field with an error stays).
  function showFieldsFor(form, units, kind) {
    var isOther = kind === "other";
    [
      [form.elements.namedItem("other_name"), !kind || isOther],
      [form.elements.namedItem("other_unit"), !kind || isOther],
      [units, !isOther],
    ].forEach(function (pair) {
      var field = pair[0];
      var wrapper = field && document.getElementById("div_" + field.id);
      if (wrapper) {
        wrapper.hidden = !pair[1] && !field.classList.contains("is-invalid");
      }
    });
  }

  function setUp(units) {
    var form = units.form;
    var kind = form && form.elements.namedItem(units.getAttribute("data-lab-units"));
    if (!kind) {
      return;
    }
    function update() {
      filterUnits(units, kind.value);
      showFieldsFor(form, units, kind.value);
    }
    kind.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("select[data-lab-units]").forEach(setUp);
})();
