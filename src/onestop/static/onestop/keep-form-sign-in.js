// Keeps what an applicant typed into a form whose session ended before they sent it.
// The server then responds with the sign-in page and its #session-ended notice, and after
// signing in the applicant is back on the form's page with a GET. It keeps them too when
// the form's CSRF token was out of date, as after signing in again in another tab. Then
// the server responds with the #form-expired page, whose link opens the form's page afresh.
//
// Just before a form marked data-keep-on-sign-in is sent, its values go to sessionStorage
// with the page's path and the account's mark (data-kept-form-owner of <body>).
// keep-form.js chooses the fields, so passwords, files and hidden fields are never kept.
// Only three pages use the values:
// - the sign-in page with the notice, which then states that they are kept and names the
//   materials whose files must be chosen again, since a browser cannot keep files;
// - the #form-expired page under the same account, which states the same;
// - the form's page, opened with a GET under the same account, which fills them in.
// Every other page removes them, and so does the form's page once it has read them. So the
// page that a sent form leads to removes them, signing out removes them, and another
// account that signs in on the same browser never gets them. A kiosk's idle restart
// removes them too (kiosk-idle.js).
(function () {
  "use strict";
  var script = document.currentScript;
  var kept = window.onestopKeptForms;
  var key = kept.keyFor("sign-in");

  function owner() {
    return document.body.getAttribute("data-kept-form-owner") || "";
  }

  function posted() {
    return document.querySelector("main[data-posted]") !== null;
  }

  // Returns the names of the materials whose files go with the form: chosen files, and
  // files that the form kept from an earlier attempt and that are not ticked for removal.
  function materialsWithFiles(form) {
    var inputs = form.querySelectorAll("input[type=file][data-material-name]");
    return Array.prototype.filter.call(inputs, function (input) {
      var block = input.closest(".material");
      var selector = ".held-upload input[name=held_remove]:not(:checked)";
      var held = block ? block.querySelectorAll(selector).length : 0;
      return input.files.length > 0 || held > 0;
    }).map(function (input) {
      return input.getAttribute("data-material-name");
    });
  }

  function save(event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-keep-on-sign-in")) { return; }
    if (!owner() || !form.id) { return; }
    var state = {
      path: location.pathname,
      owner: owner(),
      form: form.id,
      fields: kept.snapshot(form),
      materials: materialsWithFiles(form),
    };
    write(state);
  }

  function write(state) {
    try { sessionStorage.setItem(key, JSON.stringify(state)); } catch (error) { /* full or off */ }
  }

  function read() {
    try {
      var stored = sessionStorage.getItem(key);
      return stored ? JSON.parse(stored) : null;
    } catch (error) {
      return null;
    }
  }

  function remove() {
    try { sessionStorage.removeItem(key); } catch (error) { /* storage off */ }
  }

  // Appends a paragraph of `text` to `box`, and the list of materials when there are any.
  function describe(box, text, materials) {
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    box.appendChild(paragraph);
    if (!materials.length) { return; }
    var intro = document.createElement("p");
    intro.textContent = script.getAttribute("data-files");
    var list = document.createElement("ul");
    list.className = "files-to-choose-again";
    materials.forEach(function (name) {
      var item = document.createElement("li");
      item.textContent = name;
      list.appendChild(item);
    });
    box.appendChild(intro);
    box.appendChild(list);
  }

  function restore(state) {
    var form = document.getElementById(state.form);
    if (!form || state.owner !== owner() || state.path !== location.pathname || posted()) {
      return;
    }
    kept.fill(state.fields, form);
    var box = document.createElement("div");
    box.id = "kept-values-restored";
    box.className = "card notice";
    box.setAttribute("role", "status");
    var text = state.expired ? "data-restored-expired" : "data-restored";
    describe(box, script.getAttribute(text), state.materials);
    form.insertAdjacentElement("afterbegin", box);
  }

  function start() {
    var state = read();
    if (!state) { return; }
    var notice = document.getElementById("session-ended");
    if (notice) {
      describe(notice, script.getAttribute("data-kept"), state.materials);
      return;
    }
    var expired = document.getElementById("form-expired");
    if (expired && state.owner === owner()) {
      state.expired = true;
      write(state);
      describe(expired, script.getAttribute("data-kept-expired"), state.materials);
      return;
    }
    remove();
    restore(state);
  }

  document.addEventListener("submit", function (event) {
    if (event.target.id === "sign-out") {
      kept.forget();
      return;
    }
    save(event);
  });
  document.addEventListener("DOMContentLoaded", start);
})();
