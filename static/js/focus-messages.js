// A flash message shown after a redirect ("You follow this proposal") is in the page's status region from the
// start, and a screen reader announces a region's changes, not what it held when the page loaded. The region
// takes the focus instead, so the message is the first thing read, once (its text stands in the page only
// there). A form sent back with errors keeps the focus on its own error summary.
//
// A page opened at a fragment (a comment, #comments) keeps its place for good news; an error is brought into
// view, or a phone would show the comment form while the reason it was refused sits at the top, out of sight.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var region = document.getElementById("messages");
    if (!region || !region.querySelector(".message") || document.querySelector(".error-summary")) return;
    var error = region.querySelector(".message-error");
    region.setAttribute("tabindex", "-1");
    region.focus({ preventScroll: Boolean(window.location.hash) && !error });
  });
})();
