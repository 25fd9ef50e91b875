// When an admin form comes back with mistakes, a list of them under "Please correct the
// errors below", each linking to its field: on a long page (a condition with its sections,
// references and staging) they may be far down, inside one of many parts.
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function shortened(value) {
    return value.length > 60 ? value.slice(0, 59) + "\u2026" : value;
  }

  // The part a mistake is in ("Reference: Revised risk classification"), from its heading
  // without the delete box; then the field's label.
  function describe(list) {
    var tabular = list.closest(".tabular");
    var cell = tabular && list.closest("td");
    if (cell) {
      return describeCell(tabular, cell);
    }
    var part = list.closest(".inline-related, .djn-inline-form");
    var heading = part && part.querySelector("h3");
    var kind = heading && heading.querySelector("b");
    var name = heading && heading.querySelector(".inline_label");
    var title = kind || name ? [text(kind), shortened(text(name))].filter(Boolean).join(" ")
                             : text(heading);
    // Django names a field's list of mistakes after the field: id_<field>_error.
    var field = list.id && list.id.replace(/_error$/, "");
    var label = field && document.querySelector('label[for="' + CSS.escape(field) + '"]');
    if (!label) {
      // A field of several inputs (a date and a time) is a fieldset named by its legend,
      // not by the label of its first input ("Date").
      var group = list.closest("fieldset:not(.module)");
      label = group && group.querySelector(":scope > legend");
    }
    if (!label) {
      var row = list.closest(".fieldBox, .form-row");
      label = row && row.querySelector("legend, label");
    }
    return [title, text(label).replace(/:$/, "")].filter(Boolean).join(", ");
  }

  // A mistake in a table of parts (a trial's central contacts): the table's heading, the
  // row's number and the column's heading ("Central contacts, row 1, Email").
  function describeCell(tabular, cell) {
    var rows = Array.prototype.filter.call(
      tabular.querySelectorAll("tbody > tr.form-row"),
      function (row) { return !row.classList.contains("empty-form"); }
    );
    var number = rows.indexOf(cell.closest("tr")) + 1;
    var column = Array.prototype.find.call(cell.classList, function (name) {
      return name.indexOf("field-") === 0;
    });
    var header = column && tabular.querySelector("th.column-" + CSS.escape(column.slice(6)));
    return [text(tabular.querySelector(".inline-heading")),
            number > 0 ? "row " + number : "", text(header)].filter(Boolean).join(", ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var note = document.querySelector("#content-main .errornote");
    // The form's own mistakes (not of one field) are shown under the note already.
    var lists = Array.prototype.filter.call(
      document.querySelectorAll("#content-main form ul.errorlist"),
      function (list) { return !note || list !== note.nextElementSibling; }
    );
    if (!note || !lists.length) {
      return;
    }
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "region");
    summary.setAttribute("aria-label", "Mistakes to correct");
    var items = document.createElement("ol");
    lists.forEach(function (list, index) {
      if (!list.id) {
        list.id = "form-error-" + (index + 1);
      }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + list.id;
      var where = describe(list);
      link.textContent = (where ? where + ": " : "") + text(list);
      item.appendChild(link);
      items.appendChild(item);
    });
    summary.appendChild(items);
    note.insertAdjacentElement("afterend", summary);
  });
})();
