// Keeps what a person typed into a form whose session ended before they sent it.
// The server then responds with the sign-in page and its #session-ended notice, and after
// signing in the person is back on the form's page with a GET. It keeps them too when
// the form's CSRF token was out of date, as after signing in again in another tab. Then
// the server responds with the #form-expired page, whose link opens the form's page afresh.
//
// Just before a form marked data-keep-on-sign-in is sent, its values go to sessionStorage
// with the page's path and the account's mark (data-kept-form-owner of <body>).
// keep-form.js chooses the fields, so passwords, files and hidden fields are never kept.
// Only three pages use the values:
// - the sign-in page with the notice, which then states that they are kept and names the
//   materials whose files must be chosen again, since a browser cannot keep files. It also
//   names the materials whose held uploads (files that the server kept after an error)
//   come back;
// - the #form-expired page under the same account, which states the same;
// - the form's page, opened with a GET under the same account, which fills them in.
// Every other page removes them, and so does the form's page once it has read them. So the
// page that a sent form leads to removes them, signing out removes them, and another
// account that signs in on the same browser never gets them. A kiosk's idle restart
// removes them too (kiosk-idle.js).
//
// Two steps may come before the form's page fills them in, each once:
// - Held uploads come back from the server: the page opens itself again with their tokens
//   in ?held=, as the language switch does. The server lists only the uploads of the
//   signed-in account, centre and matter, and a kiosk's sign-out removes its uploads, so
//   those are named among the files to choose again instead.
// - A form that appears only after a POST that reads, such as the walk-in form after the
//   clerk identifies the applicant, is missing from the GET page. Then the page's
//   data-keep-form-replay form is sent again with its kept values, and the page that it
//   returns fills in the rest.
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
    var replay = kept.replayForm();
    var fields = kept.snapshot(form);
    if (replay && replay !== form) { fields = fields.concat(kept.snapshot(replay)); }
    var uploads = kept.heldUploads(form);
    var held = uploads.filter(function (upload) { return !upload.sessionBound; });
    var lost = uploads.filter(function (upload) { return upload.sessionBound; });
    var state = {
      path: location.pathname,
      owner: owner(),
      form: form.id,
      replay: replay && replay !== form ? kept.formName(replay) : null,
      fields: fields,
      materials: unique(kept.materialsWithFiles(form, false).concat(names(lost))),
      held: held,
    };
    write(state);
  }

  function names(uploads) {
    return unique(uploads.map(function (upload) { return upload.material; }));
  }

  function unique(items) {
    return items.filter(function (item, index) {
      return item && items.indexOf(item) === index;
    });
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

  // Opens the page again with the held uploads' tokens, unless it did so already.
  function requestHeld(state) {
    var tokens = (state.held || []).map(function (upload) { return upload.token; });
    if (!tokens.length || state.heldRequested) { return false; }
    state.heldRequested = true;
    write(state);
    var url = new URL(location.href);
    url.searchParams.set("held", tokens.join("."));
    location.replace(url.toString());
    return true;
  }

  // Sends the page's data-keep-form-replay form again when the kept form is missing.
  function replay(state) {
    if (!state.replay || state.replayed || posted() || document.getElementById(state.form)) {
      return false;
    }
    var form = kept.replayForm();
    if (!form || kept.formName(form) !== state.replay) { return false; }
    if ((form.method || "").toLowerCase() !== "post") { return false; }
    kept.fill(state.fields, form);
    state.replayed = true;
    write(state);
    HTMLFormElement.prototype.submit.call(form);
    return true;
  }

  // Returns the names of the fields whose kept value is filled in or ticked, in page order.
  function restoredLabels(state) {
    var labels = [];
    document.querySelectorAll("main form").forEach(function (form) {
      var name = kept.formName(form);
      Array.prototype.forEach.call(form.elements, function (field) {
        var entry = state.fields.find(function (saved) {
          return saved.place[0] === name && saved.place[1] === field.name &&
            (!saved.checkable || saved.place[2] === field.value);
        });
        if (!entry || !(entry.checkable ? entry.value : String(entry.value).trim())) { return; }
        labels.push(kept.fieldLabel(field));
      });
    });
    return unique(labels);
  }

  function restore(state) {
    var form = document.getElementById(state.form);
    if (!form || (posted() && !state.replayed)) { return; }
    kept.fill(state.fields, form);
    var listedTokens = kept.heldUploads(form).map(function (upload) { return upload.token; });
    var keptUploads = state.held || [];
    var listed = keptUploads.filter(function (upload) {
      return listedTokens.indexOf(upload.token) >= 0;
    });
    var missing = keptUploads.filter(function (upload) {
      return listedTokens.indexOf(upload.token) < 0;
    });
    var box = document.createElement("div");
    box.id = "kept-values-restored";
    box.className = "card notice";
    box.setAttribute("role", "status");
    var text = state.expired ? "data-restored-expired" : "data-restored";
    var paragraph = document.createElement("p");
    paragraph.textContent = script.getAttribute(text);
    box.appendChild(paragraph);
    var values = restoredLabels(state);
    kept.appendList(box, script.getAttribute("data-values"), values, "restored-values");
    var files = names(listed);
    kept.appendList(box, script.getAttribute("data-held-restored"), files, "restored-files");
    kept.describe(box, "", unique(state.materials.concat(names(missing))));
    form.insertAdjacentElement("afterbegin", box);
  }

  // Adds to the notice of the sign-in or #form-expired page what comes back and what not.
  function announce(notice, text, state) {
    kept.describe(notice, text, state.materials);
    kept.appendList(notice, script.getAttribute("data-held-kept"), names(state.held || []),
      "held-files-kept");
  }

  function start() {
    var state = read();
    if (!state) { return; }
    var notice = document.getElementById("session-ended");
    if (notice) {
      announce(notice, script.getAttribute("data-kept"), state);
      return;
    }
    var expired = document.getElementById("form-expired");
    if (expired && state.owner === owner()) {
      state.expired = true;
      write(state);
      announce(expired, script.getAttribute("data-kept-expired"), state);
      return;
    }
    if (state.owner !== owner() || state.path !== location.pathname) {
      remove();
      return;
    }
    if (requestHeld(state) || replay(state)) { return; }
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
