// Shows a form field that has a condition (data-applies-field, data-applies-values) only
// while the select it names has one of the values, and disables its inputs while it
// is hidden. Without this script every field shows with its condition as a hint, and
// the server ignores the value of a field whose condition is not met.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-applies-field]");
  if (!blocks.length) {
    return;
  }

  function controlOf(block) {
    var form = block.closest("form");
    return form ? form.elements["field." + block.dataset.appliesField] : null;
  }

  function isShown(control) {
    var block = control.closest(".form-field");
    return !block || !block.hidden;
  }

  function update() {
    // A field may depend on a field that itself depends on another, so the pass runs
    // in document order, where each condition's field comes before its own field.
    blocks.forEach(function (block) {
      var control = controlOf(block);
      var values = JSON.parse(block.dataset.appliesValues || "[]");
      var applies = !!control && isShown(control) && values.indexOf(control.value) !== -1;
      block.hidden = !applies;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }

  blocks.forEach(function (block) {
    var control = controlOf(block);
    if (control) {
      control.addEventListener("change", update);
    }
  });
  update();
})();
