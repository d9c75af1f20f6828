// New diary: fill the time zone from this device's clock (issue #11). Without JavaScript, or when
// the browser does not say, the list of common zones and UTC stays as it is. The server marks
// the list only on a first visit, so a choice sent back with an error is never replaced.
(function () {
  "use strict";

  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!detected) {
    return;
  }
  document.querySelectorAll("select[data-detect-time-zone]").forEach(function (select) {
    var known = Array.prototype.some.call(select.options, function (option) {
      return option.value === detected;
    });
    if (!known) {
      var option = document.createElement("option");
      option.value = detected;
      option.textContent = detected.replace(/_/g, " ");
      select.insertBefore(option, select.options[1] || null);
    }
    select.value = detected;
  });
})();
