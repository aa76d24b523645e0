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
