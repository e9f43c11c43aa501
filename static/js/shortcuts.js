// Keyboard shortcuts for a learner's outline and topic guides
// (templates/tracker/components/shortcuts.html lists them in a dialog that
// "?" opens). With an item's checkbox (or any control of its) focused:
// d done, l learning, s skip, r not started; n and p (or the down and up
// arrows, from a checkbox) move to the next and previous item; j, from
// anywhere, jumps to the next item not started (static/js/focus.js). Writes go
// through static/js/marks.js, whose answer fills the page's live region with
// what changed; / goes to the roadmap's search box. Keys typed into a text
// field, or with Ctrl, Alt or Cmd held, are never taken. A learner who turns
// them off in their settings gets neither this script nor its dialog.
(function () {
  "use strict";

  var help = document.getElementById("shortcuts-help");
  var opener = document.getElementById("shortcuts-open");
  var STATES = {d: "done", l: "learning", s: "skipped", r: "pending"};

  function typing(element) {
    if (!element) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    return tag === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(element.type);
  }

  // The items a move steps through: those of the open dialog (the drawer's
  // guide) when focus is in one, else the page's outline.
  function boxesAround(element) {
    var scope = (element && element.closest("dialog[open]")) || document.querySelector("main");
    return Array.prototype.filter.call(
      scope.querySelectorAll("li.subtopic input[name=done]"),
      // Shown ones only: not those of a folded phase or section (focus.js),
      // whose boxes keep their layout box, so offsetParent alone would not tell.
      function (box) { return box.checkVisibility ? box.checkVisibility() : box.offsetParent !== null; }
    );
  }

  function move(active, step) {
    var boxes = boxesAround(active);
    if (!boxes.length) {
      return;
    }
    var item = active && active.closest("li.subtopic");
    var index = item ? boxes.indexOf(item.querySelector("input[name=done]")) : -1;
    var next = index < 0 ? (step > 0 ? 0 : boxes.length - 1) : index + step;
    if (next >= 0 && next < boxes.length) {
      boxes[next].focus();
    }
  }

  if (opener && help) {
    opener.parentElement.hidden = false;
    opener.addEventListener("click", function () { help.showModal(); });
  }
  document.addEventListener("keydown", function (event) {
    var active = document.activeElement;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(active)) {
      return;
    }
    if (help && help.open) {
      return;
    }
    var key = event.key;
    if (key === "?" && help) {
      event.preventDefault();
      help.showModal();
      return;
    }
    // "/" goes to the roadmap's search box (templates/tracker/roadmap.html), as on many sites.
    var search = document.getElementById("search-q");
    if (key === "/" && search) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }
    // The arrows move too, but only from an item's checkbox: elsewhere they scroll.
    var onBox = Boolean(active && active.name === "done" && active.closest("li.subtopic"));
    if (key === "n" || key === "p" || (onBox && (key === "ArrowDown" || key === "ArrowUp"))) {
      event.preventDefault();
      move(active, key === "n" || key === "ArrowDown" ? 1 : -1);
      return;
    }
    // Jump to the next item not started, opening what is folded over it.
    if (key === "j" && window.roadmapFocus) {
      event.preventDefault();
      window.roadmapFocus.nextPending(active);
      return;
    }
    var item = active && active.closest("li.subtopic");
    if (STATES[key] && item && window.roadmapMarks) {
      event.preventDefault();
      window.roadmapMarks.mark(item, STATES[key]);
    }
  });
})();
