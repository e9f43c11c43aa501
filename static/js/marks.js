// Ticking without reloads (templates/tracker/components/outline.html): every
// control of an outline or a guide belongs to one form.marks, and this one
// delegated handler sends each change through htmx, which swaps the item (or
// topic) and the counters out of band. Without JavaScript the same form posts
// and the server redirects back (POST/redirect/GET).
(function () {
  "use strict";

  // The outline's controls have no ids (a box per item, 210 of them: the bytes
  // count), so htmx cannot put focus back by id once it has swapped the item
  // or topic that was used: this puts it on the control in the same place.
  var refocus = null;

  function controlsOf(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input, button"));
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

  function send(form, target, name, value, control) {
    refocus = {id: target.id, index: controlsOf(target).indexOf(control)};
    var values = {};
    values[name] = value;
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

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !marksForm(button) || (button.name !== "mark" && button.name !== "mark_topic")) {
      return;
    }
    event.preventDefault();
    var target = button.closest(button.name === "mark" ? "li" : "article");
    send(button.form, target, button.name, button.value, button);
  });
})();
