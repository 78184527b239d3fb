// Our own small script. Everything here is an enhancement: pages work without it.
(function () {
  "use strict";

  // Read aloud with the browser's own speech synthesis; the button stays hidden where
  // the phone cannot speak.
  function setUpListen(root) {
    if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") return;
    root.querySelectorAll("button[data-speak]").forEach(function (btn) {
      if (btn.dataset.ready) return;
      btn.dataset.ready = "1";
      btn.hidden = false;
      var label = btn.querySelector("span");
      var startText = label ? label.textContent : "";
      btn.addEventListener("click", function () {
        if (window.speechSynthesis.speaking) {
          window.speechSynthesis.cancel();
          return;
        }
        var target = document.querySelector(btn.dataset.speak);
        if (!target) return;
        var u = new SpeechSynthesisUtterance(target.innerText);
        u.lang = btn.dataset.lang || document.documentElement.lang;
        u.rate = 0.9;
        u.onend = u.onerror = function () { if (label) label.textContent = startText; };
        if (label) label.textContent = btn.dataset.labelStop || startText;
        window.speechSynthesis.speak(u);
      });
    });
  }

  // After htmx swaps in a confirmation, move focus there so screen readers announce it.
  function focusConfirmation(root) {
    var el = root.querySelector && root.querySelector("[data-focus]");
    if (el) el.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpListen(document);
    document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    setUpListen(document);
    focusConfirmation(document);
  });
})();

document.addEventListener("click", function (e) {
  var btn = e.target.closest && e.target.closest("[data-print]");
  if (btn) window.print();
});
