// The proposal list's filters are its address: htmx pushes the address of each filtered list.
// Going back, htmx puts back the page it kept, whose form still shows what the page was first drawn with
// (the reader's later choices live in the fields, not in the saved HTML): the list said "answered" while
// the form said "any status". Each field is set from the restored address again.
// Empty filters are left out of the address, which then names only the filters in force.
(function () {
  "use strict";
  function filterForm() {
    return document.querySelector("form.filters[data-hx-push-url]");
  }

  // The folded filters' summary says how many are in force ("(2 active)"); htmx refreshes the list only, so
  // it is counted again from the fields. A field is in force when it is not at its first choice.
  function countActiveFilters() {
    var form = filterForm();
    var count = form && form.querySelector("[data-active-filters]");
    if (!count) {
      return;
    }
    var active = 0;
    Array.prototype.forEach.call(form.querySelectorAll(".folded-filters select"), function (field) {
      if (field.options.length && field.value !== field.options[0].value) {
        active += 1;
      }
    });
    count.textContent = active ? " " + count.getAttribute("data-active-filters").replace("#", active) : "";
  }
  document.addEventListener("change", countActiveFilters);

  document.addEventListener("htmx:configRequest", function (event) {
    var form = filterForm();
    if (!form || event.detail.elt !== form || event.detail.verb !== "get") {
      return;
    }
    var parameters = event.detail.formData || event.detail.parameters;
    var empty = [];
    parameters.forEach(function (value, name) {
      if (value === "") {
        empty.push(name);
      }
    });
    empty.forEach(function (name) {
      parameters.delete(name);
    });
  });

  // The article choices are those of the chosen consultation, and htmx refreshes the list only: a new
  // consultation loads the page anew (without the previous article, which is another consultation's), so the
  // form offers its articles instead of the previous one's, whose choice would match nothing.
  document.addEventListener(
    "change",
    function (event) {
      var form = filterForm();
      if (!form || event.target !== form.elements.consultation) {
        return;
      }
      event.stopPropagation();
      if (form.elements.article) {
        form.elements.article.value = "";
      }
      var address = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (value !== "") {
          address.append(name, value);
        }
      });
      var query = address.toString();
      window.location.assign(window.location.pathname + (query ? "?" + query : ""));
    },
    true
  );

  document.addEventListener("htmx:historyRestore", function () {
    var form = filterForm();
    if (!form) {
      return;
    }
    var address = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit") {
        return;
      }
      var value = address.get(field.name) || "";
      if (field.tagName === "SELECT") {
        var known = Array.prototype.some.call(field.options, function (option) {
          return option.value === value;
        });
        field.value = known ? value : field.options.length ? field.options[0].value : "";
      } else {
        field.value = value;
      }
    });
    countActiveFilters();
  });
})();
