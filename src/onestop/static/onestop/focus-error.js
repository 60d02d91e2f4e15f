// Moves keyboard focus to the error summary, or else to the first alert, when a page
// shows one. After a failed submit a screen reader then reads the errors first, and the
// next Tab starts from them. Content that htmx swaps in gets the same treatment.
(function () {
  "use strict";
  function focusFirstError(root) {
    var target = root.querySelector(".error-summary") || root.querySelector("[role=alert]");
    if (!target) {
      return;
    }
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
  var main = document.getElementById("main");
  if (main) {
    focusFirstError(main);
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    focusFirstError(event.target);
  });
})();
