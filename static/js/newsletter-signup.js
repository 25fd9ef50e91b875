// The newsletter form on cached pages carries no CSRF token (a cached page is shared by
// every visitor). Before the form is sent, fetch a token of this visitor's own from an
// uncached address (it also sets the CSRF cookie) and put it in the hidden field.
// Without JavaScript the server asks the visitor to press the button once more.
(function () {
  "use strict";

  function fetchToken(form) {
    if (!form.csrfRequest) {
      form.csrfRequest = fetch(form.dataset.csrfUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("token " + response.status); }
          return response.json();
        })
        .then(function (data) {
          form.elements.csrfmiddlewaretoken.value = data.token;
        })
        .catch(function () {
          form.csrfRequest = null; // the server will ask again; try afresh next time
        });
    }
    return form.csrfRequest;
  }

  document.querySelectorAll("form[data-csrf-url]").forEach(function (form) {
    form.addEventListener("focusin", function () { fetchToken(form); }, { once: true });
    form.addEventListener("submit", function (event) {
      if (form.elements.csrfmiddlewaretoken.value) { return; }
      event.preventDefault();
      Promise.resolve(fetchToken(form)).then(function () { form.submit(); });
    });
  });
})();
