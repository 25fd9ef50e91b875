// Leaving an admin form with unsaved changes asks first. Saving clears the question. A form
// sent back with mistakes (or refused because the item changed meanwhile) holds what was
// typed, unsaved, from the start.
(function () {
  "use strict";
  var changed = false;

  function markChanged() {
    changed = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("#content-main form[method=post]");
    if (!form) {
      return;
    }
    changed = Boolean(form.querySelector(".errornote"));
    form.addEventListener("input", markChanged);
    form.addEventListener("change", markChanged);
    form.addEventListener("portal:reordered", markChanged);
    form.addEventListener("submit", function () {
      changed = false;
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (changed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
