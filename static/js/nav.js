// The navigation bar's menu button (data-bs-toggle="collapse") and diary switcher
// (data-bs-toggle="dropdown"), with Bootstrap's classes and ARIA states but without its 80 KB
// bundle (issue #15: a lighter first load). Escape or a click elsewhere closes an open switcher;
// the arrow keys move through its diaries.
(function () {
  "use strict";

  function setOpen(toggle, panel, open) {
    panel.classList.toggle("show", open);
    toggle.classList.toggle("show", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function menuOf(toggle) {
    return toggle.parentElement.querySelector(".dropdown-menu");
  }

  function closeDropdowns(except) {
    document.querySelectorAll('[data-bs-toggle="dropdown"][aria-expanded="true"]').forEach(
      function (toggle) {
        if (toggle !== except) {
          setOpen(toggle, menuOf(toggle), false);
        }
      }
    );
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-bs-toggle]");
    if (!toggle) {
      if (!event.target.closest(".dropdown-menu")) {
        closeDropdowns(null);
      }
      return;
    }
    var kind = toggle.getAttribute("data-bs-toggle");
    var panel =
      kind === "collapse"
        ? document.querySelector(toggle.getAttribute("data-bs-target"))
        : menuOf(toggle);
    if (!panel) {
      return;
    }
    event.preventDefault();
    closeDropdowns(toggle);
    if (kind === "dropdown") {
      // As Bootstrap does in a navbar: the menu sits under its button, placed by CSS alone.
      panel.setAttribute("data-bs-popper", "static");
    }
    setOpen(toggle, panel, !panel.classList.contains("show"));
  });

  document.addEventListener("keydown", function (event) {
    var open = document.querySelector('[data-bs-toggle="dropdown"][aria-expanded="true"]');
    if (event.key === "Escape" && open) {
      closeDropdowns(null);
      open.focus();
      return;
    }
    // Up and down arrows move through the switcher's diaries, as with Bootstrap's dropdown;
    // down on the closed switcher opens it.
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
      return;
    }
    var toggle = event.target.closest('[data-bs-toggle="dropdown"]');
    if (!open && toggle && event.key === "ArrowDown") {
      toggle.click();
      open = toggle;
    }
    if (!open || !open.parentElement.contains(event.target)) {
      return;
    }
    var items = Array.prototype.slice.call(menuOf(open).querySelectorAll(".dropdown-item"));
    var at = items.indexOf(event.target);
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (items.length) {
      event.preventDefault();
      items[Math.max(0, Math.min(items.length - 1, at === -1 ? 0 : next))].focus();
    }
  });
})();
