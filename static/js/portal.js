/* Progressive enhancements: every page works without this file. */
(function () {
  "use strict";

  // "Print this page" buttons are hidden until there is a script to print with.
  function enablePrintButtons() {
    document.querySelectorAll("[data-print-page]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  // Mark the contents link of the section being read (aria-current), with IntersectionObserver.
  function trackContents() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
    if (!links.length || !("IntersectionObserver" in window)) {
      return;
    }
    var byId = {};
    var sections = [];
    links.forEach(function (link) {
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var target = document.getElementById(id);
      if (!target) {
        return;
      }
      var section = target.closest("section") || target;
      if (!byId[id]) {
        byId[id] = [];
        sections.push({ id: id, element: section });
      }
      byId[id].push(link);
    });
    var visible = new Set();
    function mark() {
      var current = null;
      sections.forEach(function (entry) {
        if (!current && visible.has(entry.element)) {
          current = entry.id;
        }
      });
      if (!current) {
        return;
      }
      links.forEach(function (link) {
        link.removeAttribute("aria-current");
      });
      byId[current].forEach(function (link) {
        link.setAttribute("aria-current", "true");
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          visible.add(entry.target);
        } else {
          visible.delete(entry.target);
        }
      });
      mark();
    }, { rootMargin: "-15% 0px -75% 0px" });
    sections.forEach(function (entry) {
      observer.observe(entry.element);
    });
  }

  // On phones the contents list folds away again once a section is chosen.
  function closeContentsOnChoice() {
    document.querySelectorAll("details.toc-fold").forEach(function (details) {
      details.addEventListener("click", function (event) {
        if (event.target.closest("a")) {
          details.open = false;
        }
      });
    });
  }

  // The phone menu closes when focus or a tap moves out of it, and on Escape (focus goes
  // back to its button), so it never hides the part of the page being used.
  function closeMenuWhenLeft() {
    document.querySelectorAll("details.site-menu").forEach(function (menu) {
      var summary = menu.querySelector("summary");
      menu.addEventListener("focusout", function (event) {
        if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
          menu.open = false;
        }
      });
      menu.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.open) {
          menu.open = false;
          summary.focus();
        }
      });
      document.addEventListener("click", function (event) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
  }

  // A word's explanation closes when keyboard focus moves on past the word and the
  // explanation, so it does not cover the next thing being read (a tap elsewhere and
  // Escape close it already).
  function closeExplanationsWhenLeft() {
    document.querySelectorAll(".glossary-term[popovertarget]").forEach(function (button) {
      var popover = document.getElementById(button.getAttribute("popovertarget"));
      if (!popover || !popover.hidePopover) {
        return;
      }
      function left(event) {
        var next = event.relatedTarget;
        if (next && !button.contains(next) && !popover.contains(next) &&
            popover.matches(":popover-open")) {
          popover.hidePopover();
        }
      }
      button.addEventListener("focusout", left);
      popover.addEventListener("focusout", left);
    });
  }

  // A form sent back with mistakes: focus its list of them, which links to each field.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // Filters that describe the list beside them (the trial finder): coming back to the page
  // (the Back button), the browser would put back what was chosen before the form was sent,
  // which is not what the list shows. Each control goes back to the value the page was
  // served with.
  function keepFiltersTrueOnReturn() {
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-describes-results]").forEach(function (form) {
        form.reset();
      });
    });
  }

  function start() {
    focusErrorSummary();
    enablePrintButtons();
    trackContents();
    closeContentsOnChoice();
    closeMenuWhenLeft();
    closeExplanationsWhenLeft();
  }

  keepFiltersTrueOnReturn();

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
