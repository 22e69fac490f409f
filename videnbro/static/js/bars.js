/* Sizes the small bar charts in tables from data-bar-percent (0–100). The width is set through
   the CSSOM, which the Content-Security-Policy allows, instead of a style="" attribute, which
   it refuses; without JavaScript the numbers beside the bars still tell the story. */
(function () {
  "use strict";
  function size(root) {
    var bars = root.querySelectorAll("[data-bar-percent]");
    for (var i = 0; i < bars.length; i++) {
      var percent = parseFloat(bars[i].getAttribute("data-bar-percent"));
      if (!isFinite(percent)) { continue; }
      bars[i].style.width = Math.max(0, Math.min(100, percent)) + "%";
    }
  }
  document.addEventListener("DOMContentLoaded", function () { size(document); });
  // Content swapped in by htmx carries its own bars.
  document.addEventListener("htmx:afterSwap", function (event) { size(event.target); });
})();
