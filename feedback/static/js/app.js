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

  // Voice messages: record in the browser where it can. Without JavaScript, or where the
  // browser cannot record, the plain file field stays (a phone offers its own recorder there).
  function setUpRecorders(root) {
    if (!window.MediaRecorder || !navigator.mediaDevices || typeof DataTransfer === "undefined") return;
    root.querySelectorAll("[data-recorder]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var form = box.closest("form");
      var input = form.querySelector('input[type="file"]');
      var fallback = form.querySelector("[data-file-fallback]");
      var btn = box.querySelector("[data-record]");
      var label = btn.querySelector("span");
      var time = box.querySelector("[data-time]");
      var status = box.querySelector("[data-status]");
      var preview = box.querySelector("[data-preview]");
      var discard = box.querySelector("[data-discard]");
      var max = parseInt(box.dataset.maxSeconds || "120", 10);
      var rec = null, chunks = [], started = 0, timer = null, url = null;
      box.hidden = false;
      if (fallback) fallback.hidden = true;
      form.querySelectorAll("[data-recorder-error]").forEach(function (e) { e.hidden = false; });

      function fmt(s) { return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }
      function stop() { if (rec && rec.state === "recording") rec.stop(); }
      function tick() {
        var s = Math.floor((Date.now() - started) / 1000);
        time.textContent = fmt(Math.min(s, max)) + " / " + fmt(max);
        if (s >= max) stop();
      }
      function pickType() {
        var types = ["audio/webm;codecs=opus", "audio/mp4", "audio/ogg;codecs=opus", "audio/webm"];
        for (var i = 0; i < types.length; i++) if (MediaRecorder.isTypeSupported(types[i])) return types[i];
        return "";
      }
      function finished() {
        clearInterval(timer);
        box.classList.remove("recording");
        var type = ((rec && rec.mimeType) || "audio/webm").split(";")[0];
        var blob = new Blob(chunks, { type: type });
        var ext = type.indexOf("mp4") >= 0 ? "m4a" : type.indexOf("ogg") >= 0 ? "ogg" : "webm";
        var files = new DataTransfer();
        files.items.add(new File([blob], "voice." + ext, { type: type }));
        input.files = files.files;
        if (url) URL.revokeObjectURL(url);
        url = URL.createObjectURL(blob);
        preview.src = url;
        preview.hidden = false;
        discard.hidden = false;
        label.textContent = box.dataset.labelAgain;
        status.textContent = box.dataset.labelDone || "";
      }
      btn.addEventListener("click", function () {
        if (rec && rec.state === "recording") { stop(); return; }
        navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
          var type = pickType();
          rec = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
          chunks = [];
          rec.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
          rec.onstop = function () {
            stream.getTracks().forEach(function (t) { t.stop(); });
            finished();
          };
          rec.start(1000);
          started = Date.now();
          timer = setInterval(tick, 250);
          tick();
          box.classList.add("recording");
          label.textContent = box.dataset.labelStop;
          status.textContent = box.dataset.labelRecording || "";
        }).catch(function () {
          status.textContent = box.dataset.labelDenied;
          if (fallback) fallback.hidden = false;
        });
      });
      discard.addEventListener("click", function () {
        input.value = "";
        preview.hidden = true;
        discard.hidden = true;
        preview.removeAttribute("src");
        label.textContent = box.dataset.labelRecord;
        time.textContent = "";
        status.textContent = "";
      });
      // Sending while still recording: stop first, so the recording goes with the post.
      form.addEventListener("submit", function (e) {
        if (rec && rec.state === "recording") {
          e.preventDefault();
          rec.addEventListener("stop", function () { form.requestSubmit(); }, { once: true });
          stop();
        }
      });
    });
  }

  // After htmx swaps in a confirmation, move focus there so screen readers announce it.
  // Only inside what was swapped, and only when she asked for it: a poll that brings new
  // posts must never take her out of the reply she is typing.
  function focusConfirmation() {
    var el = document.querySelector("[data-focus]");
    if (!el) return;
    el.removeAttribute("data-focus");  // focused once; a later swap must not pull focus back here
    el.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpListen(document);
    setUpRecorders(document);
    document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    setUpListen(document);
    setUpRecorders(document);
    var polled = e.detail.requestConfig && e.detail.requestConfig.verb === "get";
    if (!polled) focusConfirmation();
  });
})();

document.addEventListener("click", function (e) {
  var btn = e.target.closest && e.target.closest("[data-print]");
  if (btn) window.print();
});
