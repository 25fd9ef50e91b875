// The import job page: while the job runs, ask for its progress every two seconds and show
// it; once it has finished, load the page again for the full report. Without JavaScript the
// page's Reload link does the same.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "true" || !window.fetch) {
    return;
  }
  var bar = document.getElementById("job-progress-bar");
  var text = document.getElementById("job-progress-text");
  var pause = 2000;

  function show(data) {
    bar.max = data.total || 1;
    bar.value = data.done;
    bar.textContent = data.done + " of " + data.total;
    text.textContent = data.status_label + ": " + data.done + " of " + data.total +
      " studies done.";
  }

  function poll() {
    fetch(box.dataset.progressUrl, {
      credentials: "same-origin",
      headers: {Accept: "application/json"}
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }).then(function (data) {
      show(data);
      if (data.finished) {
        window.location.reload();
      } else {
        window.setTimeout(poll, pause);
      }
    }).catch(function () {
      window.setTimeout(poll, pause * 5);  // the server is busy or restarting: ask less often
    });
  }

  window.setTimeout(poll, pause);
}());
