// Starts a kiosk again after a period without a touch, so that the next person
// does not find the last one's account or typed values. Some seconds before the end it
// shows a notice that any touch dismisses. At the end it forgets the values that
// keep-form.js kept (through window.onestopKeptForms), signs the applicant out (the
// header's sign-out form returns to /kiosk/) or, when no one is signed in, opens /kiosk/.
(function () {
  "use strict";
  var script = document.currentScript;
  var idle = Number(script.getAttribute("data-idle-seconds")) * 1000;
  var warning = Math.min(30000, Math.floor(idle / 3));
  var home = script.getAttribute("data-home");
  // The notice in the page's language for one second and for more. NOTE: two forms
  // cover English and Chinese, the languages OneStop ships, but not a language with more.
  var templateOne = script.getAttribute("data-warning-one");
  var template = script.getAttribute("data-warning");
  var notice = null;
  var timers = [];
  var countdown = null;

  function end() {
    // keep-form.js comes first in base.html, so it has defined this by now.
    if (window.onestopKeptForms) { window.onestopKeptForms.forget(); }
    var signOut = document.getElementById("sign-out");
    if (signOut) { signOut.submit(); } else { location.assign(home); }
  }

  function warn() {
    var left = Math.round(warning / 1000);
    notice = document.createElement("div");
    notice.id = "kiosk-idle-notice";
    notice.className = "kiosk-idle-notice";
    notice.setAttribute("role", "alert");
    // The notice opens a strip of its own at the top of the page, so that it covers no
    // control (see .kiosk-idle-notice in onestop.css).
    document.body.insertBefore(notice, document.body.firstChild);
    function show() {
      var text = left === 1 ? templateOne : template;
      notice.textContent = text.replace("{seconds}", String(left));
    }
    show();
    countdown = setInterval(function () { left = Math.max(left - 1, 0); show(); }, 1000);
  }

  function restart() {
    timers.forEach(clearTimeout);
    clearInterval(countdown);
    if (notice) { notice.remove(); notice = null; }
    timers = [setTimeout(warn, idle - warning), setTimeout(end, idle)];
  }

  ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();
})();
