// Charts that scroll sideways on a phone open at their right end, the latest days (issue #11).
// Without JavaScript the chart is the same, scrolled to its first days.
(function () {
  "use strict";

  function toLatest(region) {
    region.scrollLeft = region.scrollWidth;
  }

  var regions = document.querySelectorAll("[data-scroll-latest]");
  regions.forEach(function (region) {
    toLatest(region);
    // Off-screen sections of the summary are laid out only when scrolled near
    // (content-visibility: auto): scroll their charts when that happens.
    for (var parent = region.parentElement; parent; parent = parent.parentElement) {
      parent.addEventListener("contentvisibilityautostatechange", function (event) {
        if (!event.skipped) {
          toLatest(region);
        }
      });
    }
  });
  window.addEventListener("load", function () {
    regions.forEach(toLatest);
  });
})();
