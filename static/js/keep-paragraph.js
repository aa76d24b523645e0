// An article read from a paragraph's link (#p-3): switching the page's language keeps that paragraph in view.
// The server cannot see the part after "#", so the language links carry it on from here.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".language-switcher a[href]");
    if (link && /^#p-\d+$/.test(window.location.hash)) {
      link.hash = window.location.hash;
    }
  });
})();
