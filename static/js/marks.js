// Ticking without reloads (templates/tracker/components/outline.html): every
// control of an outline or a guide belongs to one form.marks, and this one
// delegated handler sends each change through htmx, which swaps the item (or
// topic) and the counters out of band. Without JavaScript the same form posts
// and the server redirects back (POST/redirect/GET). A whole section or
// phase ("Mark section…") answers with its phase, swapped in place, or first
// with a confirmation, shown in the page's <dialog id="bulk-confirm">.
(function () {
  "use strict";

  // The outline's controls have no ids (a box per item, 210 of them: the bytes
  // count), so htmx cannot put focus back by id once it has swapped the item
  // or topic that was used: this puts it on the control in the same place.
  var refocus = null;

  function controlsOf(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input, button, summary"));
  }

  document.addEventListener("htmx:afterSettle", function () {
    var root = refocus && document.getElementById(refocus.id);
    if (!root) {
      return;
    }
    var control = controlsOf(root)[refocus.index];
    refocus = null;
    var active = document.activeElement;
    if (control && (!active || active === document.body || !active.isConnected)) {
      control.focus();
    }
  });

  function send(form, target, name, value, control, confirmed) {
    refocus = {id: target.id, index: controlsOf(target).indexOf(control)};
    var values = {};
    values[name] = value;
    if (confirmed) {
      values.confirm = "1";
    }
    // The form's hx-params keeps the body to this one command; the CSRF token
    // travels in the hx-headers on <body>.
    htmx.ajax("POST", form.action, {source: target, target: target, swap: "outerHTML", values: values});
  }

  function marksForm(element) {
    var form = element.form;
    return form && form.classList.contains("marks") ? form : null;
  }

  // For static/js/shortcuts.js: set an item (its <li>) to a state, as its
  // controls would, whether or not the item shows a button for that state.
  window.roadmapMarks = {
    mark: function (item, status) {
      var box = item.querySelector("input[name=done]");
      var form = box && marksForm(box);
      if (form) {
        send(form, item, "mark", box.value + ":" + status, box);
      }
    },
  };

  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = marksForm(box);
    if (!form || box.name !== "done") {
      return;
    }
    send(form, box.closest("li"), "mark", box.value + ":" + (box.checked ? "done" : "pending"), box);
  });

  // Enter in a checkbox submits its form with the form's first enabled
  // submit button, the hidden "stay" (outline.html#marks-form), which would
  // reload the page for nothing. Space ticks, as in any checkbox; Enter does nothing.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key === "Enter" && box.name === "done" && box.type === "checkbox" && marksForm(box)) {
      event.preventDefault();
    }
  });

  var GROUPS = {mark_section: "section", mark_phase: "phase"};

  // A section's or phase's marks: the answer is its whole phase; focus goes
  // back to the "Mark section…" it came from, which the answer has closed.
  function sendGroup(name, value, confirmed) {
    var title = document.getElementById(GROUPS[name] + "-" + value.split(":")[0] + "-title");
    var target = title && title.closest("section.phase");
    var form = target && target.closest("form.marks");
    if (form) {
      var header = title.closest("details").querySelector("header");
      send(form, target, name, value, header.querySelector(".bulk > summary"), confirmed);
    }
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var dialog = button && button.closest("#bulk-confirm");
    if (dialog && GROUPS[button.name]) {  // "Confirm": the same write, confirmed
      event.preventDefault();
      dialog.close();
      sendGroup(button.name, button.value, true);
      return;
    }
    if (!button || !marksForm(button)) {
      return;
    }
    if (GROUPS[button.name]) {
      event.preventDefault();
      sendGroup(button.name, button.value, false);
    } else if (button.name === "mark" || button.name === "mark_topic") {
      event.preventDefault();
      var target = button.closest(button.name === "mark" ? "li" : "article");
      send(button.form, target, button.name, button.value, button);
    }
  });

  // The server asks before overwriting states (tracker/mark_confirm.html#confirm):
  // shown modal, so focus moves into it (to Cancel) and Escape closes it. Once
  // settled: htmx's own focus handling is done by then and cannot take it back.
  document.addEventListener("htmx:afterSettle", function (event) {
    var dialog = event.detail.target;
    if (dialog && dialog.id === "bulk-confirm" && !dialog.open) {
      dialog.showModal();
    }
  });
})();
