// A form sent back with errors: the page's title starts with "Error:" (the first thing a screen reader reads
// of a page, and what a tab shows), as its error summary says below.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary[data-title-prefix]");
    if (summary && document.title.indexOf(summary.getAttribute("data-title-prefix")) !== 0) {
      document.title = summary.getAttribute("data-title-prefix") + document.title;
    }
  });
})();
