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

  function save(event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-keep-on-sign-in")) { return; }
    if (!owner() || !form.id) { return; }
    var state = {
      path: location.pathname,
      owner: owner(),
      form: form.id,
      fields: kept.snapshot(form),
      materials: kept.materialsWithFiles(form, true),
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
    kept.describe(box, script.getAttribute(text), state.materials);
    form.insertAdjacentElement("afterbegin", box);
  }

  function start() {
    var state = read();
    if (!state) { return; }
    var notice = document.getElementById("session-ended");
    if (notice) {
      kept.describe(notice, script.getAttribute("data-kept"), state.materials);
      return;
    }
    var expired = document.getElementById("form-expired");
    if (expired && state.owner === owner()) {
      state.expired = true;
      write(state);
      kept.describe(expired, script.getAttribute("data-kept-expired"), state.materials);
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
