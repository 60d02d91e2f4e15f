// Lets a field take more text than its limit and reports the count, instead of cutting it.
// A browser cuts pasted text at a field's maxlength without a word, so a long opinion
// would lose its end unseen. This script moves each limit to data-maxlength and counts the
// characters as the server does (code points, so 𠮷 counts once). Above the limit it
// shows the count beside the field and keeps the form from being sent until the text is
// shortened. Without JavaScript the browser's own limit stays.
(function () {
  "use strict";
  var script = document.currentScript;
  var template = script ? script.getAttribute("data-over") : "";

  function length(text) {
    return Array.from(text).length;
  }

  // Returns the notice beside the field, or null when it has none.
  function existingNotice(field) {
    var next = field.nextElementSibling;
    return next && next.classList.contains("over-limit") ? next : null;
  }

  function notice(field) {
    var existing = existingNotice(field);
    if (existing) { return existing; }
    var element = document.createElement("span");
    element.className = "field-error over-limit";
    element.setAttribute("role", "status");
    field.insertAdjacentElement("afterend", element);
    return element;
  }

  function check(field) {
    var limit = Number(field.getAttribute("data-maxlength"));
    var count = length(field.value);
    var over = count > limit;
    var message = over
      ? template.replace("{count}", String(count)).replace("{max}", String(limit))
      : "";
    field.setCustomValidity(message);
    field.classList.toggle("invalid", over);
    if (over || existingNotice(field)) {
      notice(field).textContent = message;
    }
  }

  function start() {
    var selector = "main textarea[maxlength], main input[maxlength]";
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (field) {
      field.setAttribute("data-maxlength", field.getAttribute("maxlength"));
      field.removeAttribute("maxlength");
      field.addEventListener("input", function () { check(field); });
      if (field.value) { check(field); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
