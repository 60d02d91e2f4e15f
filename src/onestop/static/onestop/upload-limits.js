// Checks the size of each chosen file before the form is sent, so that a file over the
// limit is not sent whole only to be rejected. The limits and the messages come from the
// server: this script's data attributes, and each file input's data-too-large, which is
// the server's message for a file of that material with {name} and {size_mb} to fill in.
// A file over the limit per file, or files whose sum passes the limit of one request, get
// the message at the file input at once, and the form is not sent until they are changed.
// The server checks the sizes again.
(function () {
  "use strict";
  var script = document.currentScript;
  var maxBytes = Number(script.getAttribute("data-max-bytes"));
  var maxRequestBytes = Number(script.getAttribute("data-max-request-bytes"));
  var requestTemplate = script.getAttribute("data-request-too-large");
  var megabyte = 1048576;

  // The size as UploadTooLarge shows it: megabytes rounded up to one decimal, without ".0".
  function fileMegabytes(size) {
    var tenths = Math.ceil(size * 10 / megabyte);
    return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
  }

  function fileInputs(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=file][data-too-large]"));
  }

  // NOTE: a file name with Chinese characters can read slightly differently from the
  // server's message, which removes the spaces between two Chinese characters.
  function fileMessages(input) {
    var template = input.getAttribute("data-too-large");
    return Array.prototype.filter.call(input.files, function (file) {
      return file.size > maxBytes;
    }).map(function (file) {
      return template.replace("{name}", file.name).replace("{size_mb}", fileMegabytes(file.size));
    }).join(" ");
  }

  // Returns the message for the sum of the form's chosen files, or "". NOTE: the request
  // that the server limits also has the form's text and the multipart headers, so a sum
  // just below the limit can still be rejected by the server.
  function requestMessage(inputs) {
    var total = 0;
    inputs.forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (file) { total += file.size; });
    });
    if (total <= maxRequestBytes) { return ""; }
    return requestTemplate.replace("{size_mb}", (total / megabyte).toFixed(1));
  }

  function show(input, message) {
    var id = "size-error-" + (input.id || input.name);
    var notice = document.getElementById(id);
    input.setCustomValidity(message);
    input.setAttribute("data-size-error", message);
    if (!message) {
      if (notice) { notice.remove(); }
      return;
    }
    if (!notice) {
      notice = document.createElement("div");
      notice.id = id;
      notice.className = "field-error size-error";
      notice.setAttribute("role", "alert");
      (input.closest("label") || input).insertAdjacentElement("afterend", notice);
    }
    notice.textContent = message;
  }

  // Shows each input's messages. The message for the whole request goes to `changed`,
  // the input just chosen, or to the last input with files when `changed` has none.
  function check(form, changed) {
    var inputs = fileInputs(form);
    var withFiles = inputs.filter(function (input) { return input.files.length > 0; });
    var target = changed && changed.files.length ? changed : withFiles[withFiles.length - 1];
    var whole = requestMessage(inputs);
    inputs.forEach(function (input) {
      var message = fileMessages(input) || (input === target ? whole : "");
      show(input, message);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-too-large]") && input.form) {
      check(input.form, input);
    }
  });

  // Runs before the form's own submit listeners, which this stops when a file is too large.
  document.addEventListener("submit", function (event) {
    var invalid = fileInputs(event.target).filter(function (input) {
      return input.getAttribute("data-size-error");
    });
    if (!invalid.length) { return; }
    event.preventDefault();
    event.stopPropagation();
    invalid[0].focus();
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.forms, function (form) {
      if (fileInputs(form).length) { check(form, null); }
    });
  });
})();
