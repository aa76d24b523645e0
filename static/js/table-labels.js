// On a phone every table stacks, one cell under another, and its header row is out of sight (portal.css).
// Each cell is given its column's name, which the stylesheet shows before the value; a cell that names its
// column already (data-label written in the template) keeps its own. Tables swapped in by htmx too.
(function () {
  "use strict";

  function labelTables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) {
        return;
      }
      var names = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        for (var span = 0; span < (cell.colSpan || 1); span += 1) {
          names.push(cell.textContent.trim());
        }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            // A cell with nothing in it gets no name: a bare "Action:" would say something is missing.
            var blank = !cell.textContent.trim() && !cell.children.length;
            if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && names[column] && !blank) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTables(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    labelTables(event.target);
  });
})();
