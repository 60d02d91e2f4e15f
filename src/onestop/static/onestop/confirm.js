// Asks before a form with data-confirm is sent, for actions that take effect at once
// (revoking a role, resetting a password, deactivating an account, revoking a pad).
// Without JavaScript the form is sent as it is; the server checks every action anyway.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
