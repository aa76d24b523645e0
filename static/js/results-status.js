// A list that htmx refreshes as the reader changes a filter is not a live region itself: a screen reader would
// read every card again after each change. The container names a status region (data-status) and its
// count (.results-count) is copied there after each swap, so the number of results is what is read out.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var statusId = event.target.getAttribute("data-status");
    var status = statusId && document.getElementById(statusId);
    var count = status && event.target.querySelector(".results-count");
    if (count) {
      status.textContent = count.textContent.replace(/\s+/g, " ").trim();
    }
  });
})();
