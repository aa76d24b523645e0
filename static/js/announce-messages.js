// What a page says happened, said where a screen reader hears it first.
//
// Flash messages shown after a redirect ("You follow this proposal") stand in the page's status region from
// the start, and a screen reader announces a region's changes, not what it held when the page loaded. So once
// the page is read, their text is written into a second, empty status region, where it is news.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var said = document.getElementById("messages-said");
    var shown = document.querySelectorAll("#messages .message");
    if (!said || !shown.length) return;
    var text = Array.prototype.map.call(shown, function (message) {
      return message.textContent.replace(/\s+/g, " ").trim();
    }).join(" ");
    // After the region has been in the page for a moment: a region filled as it appears is often not read.
    window.setTimeout(function () { said.textContent = text; }, 400);
  });
})();

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
