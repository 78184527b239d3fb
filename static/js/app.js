// Our own small script. Everything here is an enhancement: pages work without it.
(function () {
  "use strict";

  // Read aloud with the phone's own speech synthesis, in the language of the text. The button
  // stays hidden where the phone has no voice for that language: a Swedish voice reading Somali
  // helps no one. Voices load late on some phones, so look again when they arrive.
  function hasVoice(lang) {
    var want = (lang || "").toLowerCase().split("-")[0];
    return window.speechSynthesis.getVoices().some(function (v) {
      return (v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === want;
    });
  }

  // The words of a part of the page as she sees them: not buttons, hidden parts or scripts.
  function wordsOf(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll("button, script, style, template, [hidden], [aria-hidden='true'], .visually-hidden")
      .forEach(function (n) { n.remove(); });
    copy.querySelectorAll("p, li, h1, h2, h3, label, legend, summary, div").forEach(function (n) {
      n.append(document.createTextNode(". "));
    });
    return copy.textContent.replace(/\s+/g, " ").replace(/(\.\s*){2,}/g, ". ").trim();
  }

  // Listen plays, in this order: staff's recording in her language; the phone's voice for the
  // language of the text, where that is hers; the Swedish recording, with a note saying so; the
  // phone's voice reading the Swedish text. Nothing of these: the button stays hidden.
  function listenMode(btn, lang, speech) {
    var pageLang = (document.documentElement.lang || "").toLowerCase().split("-")[0];
    var voice = speech && hasVoice(lang);
    var inHers = (lang || "").toLowerCase().split("-")[0] === pageLang;
    var rec = btn.dataset.recording || "";
    if (rec === "own") return "own";
    if (voice && inHers) return "voice";
    if (rec === "sv") return "sv";
    return voice ? "voice" : "";
  }

  function setUpListen(root) {
    var speech = "speechSynthesis" in window && typeof SpeechSynthesisUtterance !== "undefined";
    root.querySelectorAll("button[data-speak]").forEach(function (btn) {
      var lang = btn.dataset.lang || document.documentElement.lang;
      var box = btn.closest("[data-listen-box]");
      var player = box && box.querySelector("[data-listen-audio]");
      var note = box && box.querySelector("[data-listen-note]");
      var mode = listenMode(btn, lang, speech);
      btn.dataset.mode = mode;
      btn.hidden = !mode;
      if (player) player.hidden = true;  // the button plays it
      if (note) note.hidden = mode !== "sv";
      if (btn.dataset.ready) return;
      btn.dataset.ready = "1";
      var label = btn.querySelector("span");
      var startText = label ? label.textContent : "";
      function reset() { if (label) label.textContent = startText; }
      if (player) {
        player.addEventListener("ended", reset);
        player.addEventListener("pause", reset);
      }
      btn.addEventListener("click", function () {
        if (btn.dataset.mode === "own" || btn.dataset.mode === "sv") {
          if (!player.paused) { player.pause(); player.currentTime = 0; return; }
          if (label) label.textContent = btn.dataset.labelStop || startText;
          var playing = player.play();
          if (playing && playing.catch) playing.catch(reset);
          return;
        }
        if (window.speechSynthesis.speaking) {
          window.speechSynthesis.cancel();
          return;
        }
        var target = document.querySelector(btn.dataset.speak);
        if (!target) return;
        var u = new SpeechSynthesisUtterance(wordsOf(target));
        u.lang = lang;
        u.rate = 0.9;
        u.onend = u.onerror = reset;
        if (label) label.textContent = btn.dataset.labelStop || startText;
        window.speechSynthesis.speak(u);
      });
    });
  }
  if ("speechSynthesis" in window && window.speechSynthesis.addEventListener) {
    window.speechSynthesis.addEventListener("voiceschanged", function () { setUpListen(document); });
  }

  // No connection: say so where she is looking, and never show the vote or post as saved.
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("live-errors");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = document.body.dataset.offlineText || "";
    box.replaceChildren(p);
  });

  // Member pages work as an app on the home screen; the service worker shows a page in her
  // language when there is no connection (and stores nothing else).
  if ("serviceWorker" in navigator && document.body && document.body.dataset.serviceWorker) {
    navigator.serviceWorker.register(document.body.dataset.serviceWorker, { scope: "/" }).catch(function () {});
    // The worker keeps the offline page in the language of the page she saw last.
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ language: document.documentElement.lang });
    });
  }

  // Push messages on her phone: the button asks the phone, subscribes with our key and tells the
  // server. It shows only where the browser has a service worker, push and notifications; the
  // status line says, in her language, whether messages come to this phone.
  function keyBytes(b64url) {
    var s = b64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s + "===".slice((s.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sameKey(sub, key) {
    var have = sub.options && sub.options.applicationServerKey;
    if (!have) return true;  // an older browser that does not say: keep it
    var a = new Uint8Array(have);
    if (a.length !== key.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== key[i]) return false;
    return true;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (resp) { if (!resp.ok) throw new Error("server " + resp.status); return resp; });
  }

  function setUpPush(root) {
    root.querySelectorAll("[data-push]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var btn = box.querySelector("[data-push-subscribe]");
      var status = box.querySelector("[data-push-status]");
      function say(what) { status.textContent = box.dataset["text" + what] || ""; }
      box.hidden = false;
      if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
        btn.hidden = true;
        say("Impossible");
        return;
      }
      var key = keyBytes(box.dataset.key);
      if (Notification.permission === "denied") say("Refused");
      // Already on: say so, and tell the server again (it may have moved to this person).
      navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.getSubscription();
      }).then(function (sub) {
        if (sub && Notification.permission === "granted" && sameKey(sub, key)) {
          say("On");
          return postJson(box.dataset.subscribeUrl, sub.toJSON());
        }
        return null;
      }).catch(function () {});
      btn.addEventListener("click", function () {
        btn.disabled = true;
        Promise.resolve(Notification.requestPermission()).then(function (answer) {
          if (answer !== "granted") { say("Refused"); return null; }
          return navigator.serviceWorker.ready.then(function (reg) {
            return reg.pushManager.getSubscription().then(function (old) {
              // A subscription made with another key cannot get our messages: make a new one.
              if (old && !sameKey(old, key)) return old.unsubscribe().then(function () { return null; });
              return old;
            }).then(function (sub) {
              return sub || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
                .catch(function (e) { e.impossible = true; throw e; });
            });
          }).then(function (sub) {
            return postJson(box.dataset.subscribeUrl, sub.toJSON());
          }).then(function () { say("On"); });
        }).catch(function (e) {
          say(e && e.impossible ? "Impossible" : "Error");
        }).then(function () { btn.disabled = false; });
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
    setUpPush(document);
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
