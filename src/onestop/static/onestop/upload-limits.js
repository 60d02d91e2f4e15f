// Checks the size of each chosen file before the form is sent, so that a file over the
// limit is not sent whole only to be rejected. The limits and the messages come from the
// server: this script's data attributes, and each file input's data-too-large, which is
// the server's message for a file of that material with {name}, {size_mb} and {limit_mb}
// to fill in.
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

  // `size` bytes in megabytes rounded up to `decimals`, without trailing zeros, in
  // integers so that any size rounds exactly (as _megabytes_rounded_up in core/sizes.py).
  function roundedUp(size, decimals) {
    var scale = BigInt(Math.pow(10, decimals));
    var mb = BigInt(megabyte);
    var units = (BigInt(size) * scale + mb - BigInt(1)) / mb;
    var whole = units / scale;
    var fraction = (units % scale).toString();
    if (fraction === "0") { return whole.toString(); }
    while (fraction.length < decimals) { fraction = "0" + fraction; }
    return (whole.toString() + "." + fraction).replace(/0+$/, "");
  }

  // The size and the limit as the server's messages show them (megabyte_texts in
  // core/sizes.py): one decimal, or more until a size over the limit prints unequal to it.
  function megabyteTexts(size, limit) {
    var texts;
    for (var decimals = 1; decimals <= 7; decimals++) {
      texts = [roundedUp(size, decimals), roundedUp(limit, decimals)];
      if (texts[0] !== texts[1]) { break; }
    }
    return texts;
  }

  function filled(template, size, limit) {
    var texts = megabyteTexts(size, limit);
    return template.replace("{size_mb}", texts[0]).replace("{limit_mb}", texts[1]);
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
      return filled(template.replace("{name}", file.name), file.size, maxBytes);
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
    return filled(requestTemplate, total, maxRequestBytes);
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
