// Keeps what a person typed into the page's forms when they switch the language, which
// reloads the page. Only a form that was changed is kept: its values go to
// sessionStorage under the page's address and are taken out again as soon as the page
// has loaded in the new language. Passwords, files and hidden fields are never kept.
// A form's kept files (held uploads) come back from the server instead: the language
// switch's `next` names them, and the values are kept under that address. Files chosen
// in the browser cannot be kept, so the reloaded page lists their materials in the notice
// #files-to-choose-again-notice, made by describe() as after a sign-in.
//
// A page that a POST opened (its <main> has data-posted) reloads with a GET, which lacks
// what came with the POST, so its values are kept even when unchanged. Such a page may
// mark the form that opened it with data-keep-form-replay, when that form's POST only
// reads (identifying an applicant, for example). The reloaded page then sends that form
// again with the kept values and restores the rest, so no value travels in the URL.
//
// window.onestopKeptForms.forget() removes the kept values of every page, as a kiosk does
// before the next person uses it. The key prefix is defined here only: keep-form-sign-in.js
// stores under keyFor(name) and takes the fields of a form with snapshot() and fill(). It
// names them with fieldLabel(), finds the held uploads with heldUploads() and the form to
// send again with replayForm(). It names the files to choose again with materialsWithFiles()
// and describe(), and lists other things with appendList().
(function () {
  "use strict";
  var script = document.currentScript;
  var prefix = "onestop.form:";
  var key = prefix + location.pathname + location.search;

  function forget() {
    try {
      Object.keys(sessionStorage).forEach(function (stored) {
        if (stored.indexOf(prefix) === 0) { sessionStorage.removeItem(stored); }
      });
    } catch (error) { /* storage off */ }
  }

  function keyFor(name) {
    return prefix + name;
  }

  window.onestopKeptForms = {
    forget: forget, keyFor: keyFor, snapshot: snapshot, fill: fill,
    materialsWithFiles: materialsWithFiles, describe: describe, formName: formName,
    heldUploads: heldUploads, replayForm: replayForm, fieldLabel: fieldLabel,
    appendList: appendList,
  };

  // Returns the held uploads that `root` lists and does not tick for removal, each with
  // its token, the name of its material and whether it lasts only as long as the session
  // (at a kiosk, whose sign-out removes them).
  function heldUploads(root) {
    var selector = ".held-upload input[name=held_remove]:not(:checked)";
    return Array.prototype.map.call(root.querySelectorAll(selector), function (box) {
      var block = box.closest(".material");
      var input = block && block.querySelector("input[type=file][data-material-name]");
      return {
        token: box.value,
        material: input ? input.getAttribute("data-material-name") : "",
        sessionBound: box.closest(".held-uploads[data-session-bound]") !== null,
      };
    });
  }

  // Returns the form that opened the page with a POST that only reads, which may be sent
  // again (data-keep-form-replay), or null.
  function replayForm() {
    return document.querySelector("main form[data-keep-form-replay]");
  }

  // Returns the name that the page shows for a field: its aria-label, the legend of its
  // group of choices, or the text of its label without the controls inside it.
  function fieldLabel(field) {
    var named = field.getAttribute("aria-label");
    if (named) { return named.trim(); }
    var group = field.closest("fieldset");
    var text = "";
    if (group && (field.type === "radio" || field.type === "checkbox")) {
      text = group.querySelector("legend") ? group.querySelector("legend").textContent : "";
    } else if (field.labels && field.labels.length) {
      var label = field.labels[0].cloneNode(true);
      label.querySelectorAll("input, select, textarea, [aria-hidden=true]").forEach(
        function (inner) { inner.remove(); }
      );
      text = label.textContent;
    }
    return text.replace(/\s+/g, " ").replace(/[\s*]+$/, "").trim() || field.name;
  }

  // Returns the names of the materials in `root` whose files go with its form: chosen
  // files and, with `withHeld`, files that the form kept from an earlier attempt and that
  // are not ticked for removal.
  function materialsWithFiles(root, withHeld) {
    var inputs = root.querySelectorAll("input[type=file][data-material-name]");
    return Array.prototype.filter.call(inputs, function (input) {
      var block = input.closest(".material");
      var selector = ".held-upload input[name=held_remove]:not(:checked)";
      var held = withHeld && block ? block.querySelectorAll(selector).length : 0;
      return input.files.length > 0 || held > 0;
    }).map(function (input) {
      return input.getAttribute("data-material-name");
    });
  }

  // Appends a paragraph of `text` to `box` unless `text` is empty, and the list of
  // materials whose files must be chosen again when there are any.
  function describe(box, text, materials) {
    if (text) {
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      box.appendChild(paragraph);
    }
    appendList(box, script.getAttribute("data-files"), materials, "files-to-choose-again");
  }

  // Appends a paragraph of `text` and a list of `items` with the class `name` to `box`,
  // unless `items` is empty.
  function appendList(box, text, items, name) {
    if (!items.length) { return; }
    var intro = document.createElement("p");
    intro.textContent = text;
    var list = document.createElement("ul");
    list.className = name;
    items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.textContent = item;
      list.appendChild(entry);
    });
    box.appendChild(intro);
    box.appendChild(list);
  }

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

  // A form is found again by its id or, without one, by its position on the page.
  function formName(form) {
    return form.id || String(Array.prototype.indexOf.call(document.forms, form));
  }

  function place(field) {
    return [formName(field.form), field.name, field.value];
  }

  function posted() {
    var main = document.querySelector("main");
    return Boolean(main && main.hasAttribute("data-posted"));
  }

  // The page that the language switch opens: its `next`, which may differ from this
  // page's address, as when a form's kept files ride along in the query string.
  function nextKey(switcher) {
    var next = switcher && switcher.querySelector("input[name=next]");
    if (!next || !next.value) { return key; }
    var url = new URL(next.value, location.href);
    return prefix + url.pathname + url.search;
  }

  // Returns the form whose chosen files the language switch loses, with their materials.
  function lostFiles() {
    var forms = document.querySelectorAll("main form");
    for (var index = 0; index < forms.length; index++) {
      var materials = materialsWithFiles(forms[index], false);
      if (materials.length) { return { form: formName(forms[index]), materials: materials }; }
    }
    return null;
  }

  function save(event) {
    var all = fields();
    var files = lostFiles();
    if (!posted() && !all.some(changed) && !files) { return; }
    var replay = replayForm();
    var state = {
      fields: snapshot(null),
      replay: posted() && replay ? formName(replay) : null,
      files: files,
    };
    var target = nextKey(event && event.currentTarget);
    try { sessionStorage.setItem(target, JSON.stringify(state)); } catch (error) { /* full or off */ }
  }

  // Returns the values of the fields of `only`, or of every form when it is null.
  function snapshot(only) {
    return fields().filter(function (field) {
      return !only || field.form === only;
    }).map(function (field) {
      var checkable = field.type === "checkbox" || field.type === "radio";
      return { place: place(field), checkable: checkable,
        value: checkable ? field.checked : field.value };
    });
  }

  // Puts the saved values back into the fields of `only`, or of every form when it is null.
  function fill(saved, only) {
    fields().forEach(function (field) {
      if (only && field.form !== only) { return; }
      var current = place(field);
      saved.forEach(function (entry) {
        var same = entry.place[0] === current[0] && entry.place[1] === current[1];
        if (!same) { return; }
        // Scripts that follow a choice, such as whom an application is for or which
        // fields a 领取方式 shows, learn of a changed choice.
        if (entry.checkable && entry.place[2] === current[2] && field.checked !== entry.value) {
          field.checked = entry.value;
          field.dispatchEvent(new Event("change", { bubbles: true }));
        }
        if (!entry.checkable && field.value !== entry.value) {
          field.value = entry.value;
          if (field.tagName === "SELECT") {
            field.dispatchEvent(new Event("change", { bubbles: true }));
          }
        }
      });
    });
  }

  // Sends the form that opened the page again, keeping the state for the page it returns.
  function replay(state) {
    if (!state.replay || posted()) { return false; }
    var form = Array.prototype.find.call(document.querySelectorAll("main form"), function (f) {
      return formName(f) === state.replay;
    });
    if (!form || (form.method || "").toLowerCase() !== "post") { return false; }
    fill(state.fields, form);
    var next = { fields: state.fields, replay: null, files: state.files };
    try {
      sessionStorage.setItem(key, JSON.stringify(next));
    } catch (error) { return false; }
    HTMLFormElement.prototype.submit.call(form);
    return true;
  }

  function restore() {
    var stored = null;
    try {
      stored = sessionStorage.getItem(key);
      sessionStorage.removeItem(key);
    } catch (error) { return; }
    if (!stored) { return; }
    var state = JSON.parse(stored);
    if (Array.isArray(state)) { state = { fields: state, replay: null }; }
    if (replay(state)) { return; }
    fill(state.fields, null);
    showLostFiles(state.files);
  }

  // Names the materials whose chosen files the language switch lost, at the top of their
  // form, with the notice that a sign-in shows for them.
  function showLostFiles(files) {
    if (!files || !files.materials.length) { return; }
    var form = Array.prototype.find.call(document.querySelectorAll("main form"), function (f) {
      return formName(f) === files.form;
    });
    if (!form) { return; }
    var box = document.createElement("div");
    box.id = "files-to-choose-again-notice";
    box.className = "card notice";
    box.setAttribute("role", "status");
    describe(box, "", files.materials);
    form.insertAdjacentElement("afterbegin", box);
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    var switcher = document.getElementById("language-switch");
    if (switcher) { switcher.addEventListener("submit", save); }
  });
})();
