// Shows a form field that has a condition (data-applies-field, data-applies-values) only
// while the field it names, a select or a group of radio buttons, has one of the values,
// and disables its inputs while it is hidden. Without this script every field shows with
// its condition as a hint, and the server ignores the value of a field whose condition
// is not met.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-applies-field]");
  if (!blocks.length) {
    return;
  }

  // Returns the inputs named by the condition: one select, or every radio button of a
  // group. Field keys are lower-case letters, digits and underscores, so the name needs
  // no escaping in the selector.
  function controlsOf(block) {
    var form = block.closest("form");
    if (!form) {
      return [];
    }
    var name = "field." + block.dataset.appliesField;
    return Array.prototype.slice.call(form.querySelectorAll('[name="' + name + '"]'));
  }

  function valueOf(controls) {
    for (var i = 0; i < controls.length; i++) {
      var control = controls[i];
      if (control.type !== "radio") {
        return control.value;
      }
      if (control.checked) {
        return control.value;
      }
    }
    return "";
  }

  function isShown(controls) {
    var block = controls[0].closest(".form-field");
    return !block || !block.hidden;
  }

  function update() {
    // A field may depend on a field that itself depends on another, so the pass runs
    // in document order, where each condition's field comes before its own field.
    blocks.forEach(function (block) {
      var controls = controlsOf(block);
      var values = JSON.parse(block.dataset.appliesValues || "[]");
      var applies = controls.length > 0 && isShown(controls) &&
        values.indexOf(valueOf(controls)) !== -1;
      block.hidden = !applies;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }

  blocks.forEach(function (block) {
    controlsOf(block).forEach(function (control) {
      control.addEventListener("change", update);
    });
  });
  update();
})();
