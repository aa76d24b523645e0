// Keyboard shortcuts for moderators (listed on the queue page). No shortcut fires while typing in a field,
// nor at all once the moderator turns them off (WCAG 2.1.4: speech input types letters as words, and "c"
// would claim a case); the choice is kept in this browser.
(function () {
  "use strict";
  var KEY = "moderation-shortcuts";
  function enabled() {
    try { return window.localStorage.getItem(KEY) !== "off"; } catch (error) { return true; }
  }
  function switchBox() {
    var box = document.getElementById("shortcuts-on");
    if (!box) return;
    box.checked = enabled();
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(KEY, box.checked ? "on" : "off"); } catch (error) { /* private mode */ }
    });
  }
  function typing(event) {
    if (!enabled()) return true;
    var target = event.target;
    if (target.tagName === "INPUT") return !/^(radio|checkbox|button|submit)$/.test(target.type);
    return target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName);
  }
  function queue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
    if (!rows.length) return;
    var current = -1;
    function focusRow(index) {
      if (index < 0 || index >= rows.length) return;
      if (current >= 0) rows[current].classList.remove("current");
      current = index;
      rows[current].classList.add("current");
      rows[current].querySelector("a.case-link").focus();
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      var row = rows[current];
      switch (event.key) {
        case "j": focusRow(current + 1); break;
        case "k": focusRow(Math.max(current - 1, 0)); break;
        case "x": if (row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; } break;
        case "o": if (row) { window.location = row.querySelector("a.case-link").href; } break;
        case "b": var bulk = document.getElementById("id_decision"); if (bulk) bulk.focus(); break;
        default: return;
      }
      event.preventDefault();
    });
  }
  function caseForm() {
    var choices = { a: "approve", r: "reject", h: "hide", m: "merge", q: "request_changes" };
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      var claim = document.getElementById("claim-form");
      if (event.key === "c" && claim) { event.preventDefault(); claim.submit(); return; }
      if (event.key === "s") {
        var statement = document.getElementById("id_statement");
        if (statement) { event.preventDefault(); statement.focus(); }
        return;
      }
      var value = choices[event.key];
      var radio = value && document.querySelector("#decision-form input[name=decision][value=" + value + "]");
      if (radio) { event.preventDefault(); radio.checked = true; radio.focus(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    switchBox();
    if (document.querySelector("table.queue")) queue();
    if (document.getElementById("decision-form") || document.getElementById("claim-form")) caseForm();
  });
})();
