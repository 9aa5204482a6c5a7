// Behaviour every page may use, kept in a file because the CSP runs no inline handlers
// (no onclick=): a button marked data-print prints the page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
