// The browser words its file input in the browser's language, not the page's. Each .file-picker keeps the
// native input (focusable, announced with its label) but shows the page's own button, and the names of the
// chosen files or the page's "no file chosen" (data-none). The widget may stand several times in a page,
// each including this script: a picker is set up once.
(function () {
  "use strict";
  function setUp(picker) {
    if (picker.dataset.ready) {
      return;
    }
    picker.dataset.ready = "1";
    var input = picker.querySelector("input[type=file]");
    var names = picker.querySelector(".file-names");
    function show() {
      var chosen = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      names.textContent = chosen.length ? chosen.join(", ") : picker.dataset.none;
    }
    input.addEventListener("change", show);
    picker.classList.add("file-picker-ready");
    show();
  }
  document.querySelectorAll(".file-picker").forEach(setUp);
})();
