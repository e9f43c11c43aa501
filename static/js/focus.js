// Focus on the roadmap (templates/tracker/components/outline.html#phase):
// every phase and section is a <details class="fold">, open as served. This
// keeps the ones closed in the address (?closed=phase-2,section-7, through
// history.replaceState), so a bookmark or a reload reopens the page as it
// was left, and an htmx answer that redraws a phase keeps its folds. An
// anchor (#topic-12, the contents' links, a tick's no-JavaScript return)
// opens whatever folds hide its target. "Next not started" (the button in the
// sticky summary, and the "j" key of static/js/shortcuts.js) moves focus to
// the next item not started, opening its folds.
(function () {
  "use strict";

  var PARAM = "closed";
  // The item the last jump went to, by id: a tick's answer replaces its element.
  var lastJump = null;

  // A fold's key is its heading's id without "-title": phase-2, section-7.
  function keyOf(fold) {
    var heading = fold.querySelector(":scope > summary > [id$='-title']");
    return heading ? heading.id.slice(0, -"-title".length) : null;
  }

  function foldOf(key) {
    var heading = /^(phase|section)-[0-9]+$/.test(key) && document.getElementById(key + "-title");
    var fold = heading && heading.closest("details.fold");
    return fold || null;
  }

  function closedInAddress() {
    var value = new URLSearchParams(window.location.search).get(PARAM);
    return value ? value.split(",") : [];
  }

  function record() {
    var closed = Array.prototype.map.call(document.querySelectorAll("details.fold:not([open])"), keyOf)
      .filter(Boolean);
    var url = new URL(window.location.href);
    if (closed.length) {
      url.searchParams.set(PARAM, closed.join(","));
    } else {
      url.searchParams.delete(PARAM);
    }
    if (url.href !== window.location.href) {
      // Commas kept as they are: the address stays readable.
      window.history.replaceState(window.history.state, "", url.href.replace(/%2C/g, ","));
    }
  }

  function restore() {
    closedInAddress().forEach(function (key) {
      var fold = foldOf(key);
      if (fold) {
        fold.open = false;
      }
    });
  }

  // Open every fold around `element` (and its own, when it is a phase or a
  // section): what an anchor or a jump lands on must be seen.
  function reveal(element) {
    var opened = false;
    var own = element.querySelector(":scope > details.fold");
    var fold = own || element.closest("details.fold");
    while (fold) {
      if (!fold.open) {
        fold.open = true;
        opened = true;
      }
      fold = fold.parentElement.closest("details.fold");
    }
    return opened;
  }

  function revealHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && reveal(target)) {
      target.scrollIntoView();
    }
  }

  function announce(text) {
    var region = document.getElementById("progress-announcer");
    if (region) {
      region.textContent = text;
    }
  }

  // The first item not started after `from` (an element, or nothing: from the
  // top), in the open dialog's guide when `from` is in one, else in the outline;
  // after the last, back to the first.
  function nextPending(from) {
    var scope = (from && from.closest && from.closest("dialog[open]")) || document.querySelector("main");
    var boxes = Array.prototype.slice.call(
      scope.querySelectorAll("li.subtopic.status-pending input[name=done]")
    );
    if (!boxes.length) {
      announce("Every item is started.");
      return null;
    }
    var inPage = from && from !== document.body && scope.contains(from);
    var next = inPage ? boxes.find(function (box) {
      // After it, and not in it (`from` may be the item itself).
      return !from.contains(box) &&
        Boolean(from.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING);
    }) : boxes[0];
    var wrapped = !next;
    next = next || boxes[0];
    var item = next.closest("li.subtopic");
    lastJump = item.id;
    reveal(item);
    next.focus({preventScroll: true});
    item.scrollIntoView({block: "center"});
    var topic = item.closest(".topic");
    var title = topic && topic.querySelector("h4");
    announce((wrapped ? "Back to the first. " : "") + "Next not started: " + item.textContent.trim() +
      (title ? ", in " + title.textContent.trim() + "." : "."));
    return next;
  }

  window.roadmapFocus = {nextPending: nextPending};

  // "toggle" does not bubble: listen while it travels down.
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.fold")) {
      record();
    }
  }, true);
  // An answer that redraws a phase serves its folds open: close those the address says.
  document.addEventListener("htmx:afterSwap", restore);
  window.addEventListener("hashchange", revealHash);
  // A link to the page's own anchor that is already the address fires no hashchange.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target) {
      reveal(target);
    }
  });

  var button = document.getElementById("next-pending");
  if (button) {
    button.hidden = false;
    // Focus is on the button, above the outline: go on from the last jump instead.
    button.addEventListener("click", function () {
      nextPending(lastJump && document.getElementById(lastJump));
    });
  }

  restore();
  revealHash();
})();
