// Keeps what a person typed into the page's forms when they switch the language, which
// reloads the page. Only a form that was changed is kept: its values go to
// sessionStorage under the page's address and are taken out again as soon as the page
// has loaded in the new language. Passwords, files and hidden fields are never kept.
(function () {
  "use strict";
  var key = "onestop.form:" + location.pathname + location.search;

  function fields() {
    var skipped = ["password", "file", "hidden", "submit", "button", "reset"];
    return Array.prototype.filter.call(
      document.querySelectorAll("main form input, main form textarea, main form select"),
      function (field) { return field.name && skipped.indexOf(field.type) < 0; }
    );
  }

  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  function place(field) {
    return [Array.prototype.indexOf.call(document.forms, field.form), field.name, field.value];
  }

  function save() {
    var all = fields();
    if (!all.some(changed)) { return; }
    var saved = all.map(function (field) {
      var checkable = field.type === "checkbox" || field.type === "radio";
      return { place: place(field), checkable: checkable,
        value: checkable ? field.checked : field.value };
    });
    try { sessionStorage.setItem(key, JSON.stringify(saved)); } catch (error) { /* full or off */ }
  }

  function restore() {
    var stored = null;
    try {
      stored = sessionStorage.getItem(key);
      sessionStorage.removeItem(key);
    } catch (error) { return; }
    if (!stored) { return; }
    var saved = JSON.parse(stored);
    fields().forEach(function (field) {
      var current = place(field);
      saved.forEach(function (entry) {
        var same = entry.place[0] === current[0] && entry.place[1] === current[1];
        if (!same) { return; }
        if (entry.checkable && entry.place[2] === current[2]) { field.checked = entry.value; }
        if (!entry.checkable && field.value !== entry.value) {
          field.value = entry.value;
          // Scripts that follow a choice, such as whom an application is for, learn of it.
          if (field.tagName === "SELECT") {
            field.dispatchEvent(new Event("change", { bubbles: true }));
          }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    var switcher = document.getElementById("language-switch");
    if (switcher) { switcher.addEventListener("submit", save); }
  });
})();
