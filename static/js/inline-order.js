// Keyboard alternative to dragging inline rows: "Move up" and "Move down" buttons on each
// row of a sortable group. The row order is written to the hidden order fields on save.
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");

  function rows(container) {
    return Array.prototype.filter.call(container.children, function (child) {
      return child.classList.contains("djn-inline-form") &&
        !child.classList.contains("djn-empty-form");
    });
  }

  function label(row) {
    var text = row.querySelector(".inline_label");
    return text ? text.textContent.trim() : "row";
  }

  function move(row, step) {
    var container = row.parentElement;
    var list = rows(container);
    var index = list.indexOf(row);
    var target = list[index + step];
    if (!target) {
      return;
    }
    container.insertBefore(row, step < 0 ? target : target.nextSibling);
    var position = rows(container).indexOf(row) + 1;
    status.textContent = "Moved " + label(row) + " to position " + position + " of " +
      list.length + ".";
    row.dispatchEvent(new CustomEvent("portal:reordered", {bubbles: true}));
  }

  // Only rows of a group with an order field (not synonyms, which keep no order).
  function isSortable(row) {
    var group = row.closest(".djn-group");
    try {
      var data = JSON.parse(group.getAttribute("data-inline-formset"));
      return Boolean(data.nestedOptions && data.nestedOptions.sortableFieldName);
    } catch (error) {
      return false;
    }
  }

  function addButtons(row) {
    var header = row.querySelector(":scope > h3");
    if (!header || header.querySelector(".move-row") || !isSortable(row)) {
      return;
    }
    [["up", -1, "Move up"], ["down", 1, "Move down"]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "move-row move-row-" + spec[0];
      button.textContent = spec[2];
      button.setAttribute("aria-label", spec[2] + ": " + label(row));
      button.addEventListener("click", function () {
        move(row, spec[1]);
        button.focus();
      });
      header.appendChild(button);
    });
  }

  function setUp() {
    if (!status.isConnected) {
      document.body.appendChild(status);
    }
    document.querySelectorAll(".djn-group .djn-inline-form").forEach(function (row) {
      if (!row.classList.contains("djn-empty-form") && row.id.indexOf("__prefix__") === -1) {
        addButtons(row);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
  // Rows added with "Add another" get their buttons too.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".djn-add-handler")) {
      window.setTimeout(setUp, 0);
    }
  });
})();
