// A part of a page that htmx replaces as it polls is not a live region itself: a region replaced every few
// seconds may not be announced at all, or is read again with nothing new. The part names a persistent status
// region (data-live-status) and the element that says its state (.live-status-text); after each swap that text
// is written into the region when it has changed, so a screen reader says the change, once.
(function () {
  "use strict";
  function stateOf(part) {
    var text = part.querySelector(".live-status-text");
    return text ? text.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function remember(part) {
    var region = document.getElementById(part.getAttribute("data-live-status"));
    if (region) {
      region.setAttribute("data-said", stateOf(part));
    }
  }
  // What the page said when it was loaded is not news.
  document.querySelectorAll("[data-live-status]").forEach(remember);
  document.addEventListener("htmx:load", function (event) {
    var part = event.detail.elt;
    var region = part.getAttribute && document.getElementById(part.getAttribute("data-live-status") || "");
    var state = region && stateOf(part);
    if (state && state !== region.getAttribute("data-said")) {
      region.setAttribute("data-said", state);
      region.textContent = state;
    }
  });
})();
