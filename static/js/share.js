// Copy buttons for share links and badge snippets (templates/accounts/copy_field.html).
// A button <button data-copy="FIELD-ID" data-copy-status="STATUS-ID" hidden> copies the
// value of its read-only field and says so in its aria-live status. Buttons stay hidden
// until this script runs: without JavaScript the field is there to copy by hand.
(function () {
  "use strict";

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain http on another host: the older API, which needs a selection.
    return new Promise(function (resolve, reject) {
      field.select();
      if (document.execCommand("copy")) {
        resolve();
      } else {
        reject(new Error("The browser refused to copy."));
      }
    });
  }

  function wire(button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!field || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "";
      copy(field).then(
        function () {
          status.textContent = button.dataset.copyDone || "Copied to the clipboard.";
        },
        function () {
          field.focus();
          field.select();
          status.textContent = "Could not copy: the text is selected, press Ctrl+C (⌘C on a Mac) to copy it.";
        }
      );
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(wire);
})();
