// The service worker of the member pages. It keeps one thing on the phone: the page that says,
// in her language, that there is no connection and that nothing was sent. Everything else goes
// to the network as usual and is never stored, since pages carry personal data.
"use strict";

var LANG = new URL(self.location.href).searchParams.get("lang") || "sv";
var CACHE = "offline-v1-" + LANG;
var OFFLINE = "/offline?lang=" + encodeURIComponent(LANG);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return fetch(OFFLINE, { credentials: "omit" }).then(function (resp) {
        if (!resp.ok) throw new Error("offline page " + resp.status);
        return resp.text().then(function (html) {
          var assets = [];
          html.replace(/href="(\/static\/[^"]+)"/g, function (_m, url) { assets.push(url); });
          return Promise.all([
            cache.put(OFFLINE, new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } })),
            cache.addAll(assets.map(function (a) { return a.replace(/&amp;/g, "&"); })),
          ]);
        });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate") {
    // A page, or a form sent without JavaScript: if the network fails, nothing reached us.
    event.respondWith(fetch(req).catch(function () { return caches.match(OFFLINE); }));
    return;
  }
  if (req.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
  }
});
