// A learner's notes and links in a topic's guide (templates/tracker/components/notes.html).
// htmx saves a note when its box changes (on leaving it) and on submit; this
// adds Ctrl+Enter (Cmd+Enter on a Mac) as a save from inside the box, and
// lets htmx show the answers to a refused save (400: too long or a bad link;
// 409: changed in another tab), which say what to do, where by default it
// would drop any answer that is not a success.
(function () {
  "use strict";

  function ownForm(element) {
    var form = element && element.closest && element.closest("form");
    return form && (form.classList.contains("notes") || form.classList.contains("link-form")) ? form : null;
  }

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || box.tagName !== "TEXTAREA") {
      return;
    }
    var form = ownForm(box);
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // The server's word (HX-Trigger) after a save: the outline behind the
  // drawer marks the topics with notes (outline.html, stamping.NOTE_MARK).
  document.body.addEventListener("note-saved", function (event) {
    var header = document.querySelector("#topic-" + event.detail.topic + " .topic-header");
    if (!header) {
      return;
    }
    var mark = header.querySelector(".note-mark");
    if (event.detail.noted && !mark) {
      mark = document.createElement("span");
      mark.className = "note-mark";
      mark.innerHTML = '<span aria-hidden="true">\u270e</span> Your notes';
      header.querySelector("h4").after(mark);
    } else if (!event.detail.noted && mark) {
      mark.remove();
    }
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    // detail.elt is the swap's target; the form that asked is the request's.
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if ((status === 400 || status === 409) && ownForm(source)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
