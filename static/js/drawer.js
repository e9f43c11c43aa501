// The roadmap page's topic drawer (templates/tracker/roadmap.html, #topic-drawer).
// A topic's title is a link to its page; a click on it (a.opens-drawer) has
// htmx load the page's guide into the drawer instead, and this opens it as a
// modal <dialog>: focus moves in, Escape
// (the dialog's own) closes it, focus goes back to the title, and the address
// bar shows the topic's own URL while it is open, so it can be shared.
(function () {
  "use strict";

  var dialog = document.getElementById("topic-drawer");
  var content = document.getElementById("drawer-content");
  if (!dialog || !content) {
    return;
  }
  var opener = null;
  var pageUrl = null;

  // One delegated handler rather than hx-get on each of the outline's titles.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.opens-drawer");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    htmx.ajax("GET", link.getAttribute("href"), {source: link, target: content, swap: "innerHTML"});
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (event.detail.target === content && link.classList.contains("topic-link")) {
      opener = link;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== content || !opener) {
      return;
    }
    if (!dialog.open) {
      dialog.showModal();
    }
    pageUrl = pageUrl || window.location.href;
    history.replaceState(history.state, "", opener.getAttribute("href"));
    var title = document.getElementById("guide-title");
    if (title) {
      title.focus();
    }
  });

  dialog.addEventListener("close", function () {
    content.replaceChildren();
    if (pageUrl) {
      history.replaceState(history.state, "", pageUrl);
      pageUrl = null;
    }
    if (opener) {
      opener.focus();
      opener = null;
    }
  });
})();
