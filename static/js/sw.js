// The service worker of the member pages. It keeps one thing on the phone: the page that says,
// in her language, that there is no connection and that nothing was sent. Everything else goes
// to the network as usual and is never stored, since pages carry personal data.
//
// Its address is the same in every language. A worker that changed with the language would be
// replaced while she moves to the next page, and Chromium can then leave that page loading for
// ever. So the pages tell the worker their language instead, and it stores the offline page
// in each language it is told.
"use strict";

var CACHE = "offline-v2";
var FALLBACK = "/offline"; // the program's own language, stored when the worker is installed
var LANGUAGE_KEY = "/offline/language"; // her last page's language, kept while the worker sleeps

function offlineUrl(lang) {
  return lang ? FALLBACK + "?lang=" + encodeURIComponent(lang) : FALLBACK;
}

// Stores the offline page in one language, and the files it uses, unless it is there already.
function storeOfflinePage(cache, lang) {
  var url = offlineUrl(lang);
  return cache.match(url).then(function (hit) {
    if (hit) return null;
    return fetch(url, { credentials: "omit" }).then(function (resp) {
      if (!resp.ok) throw new Error("offline page " + resp.status);
      return resp.text().then(function (html) {
        var assets = [];
        html.replace(/href="(\/static\/[^"]+)"/g, function (_m, a) { assets.push(a.replace(/&amp;/g, "&")); });
        return Promise.all([
          cache.put(url, new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } })),
          cache.addAll(assets),
        ]);
      });
    });
  });
}

function rememberLanguage(lang) {
  return caches.open(CACHE).then(function (cache) {
    return storeOfflinePage(cache, lang).then(function () {
      return cache.match(LANGUAGE_KEY).then(function (kept) { return kept ? kept.text() : ""; });
    }).then(function (kept) {
      // Only after her page is stored, so the key never names a page that is missing.
      if (kept !== lang) return cache.put(LANGUAGE_KEY, new Response(lang));
      return null;
    });
  });
}

function offlinePage() {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(LANGUAGE_KEY)
      .then(function (kept) { return kept ? kept.text() : ""; })
      .then(function (lang) { return lang ? cache.match(offlineUrl(lang)) : undefined; })
      .then(function (page) { return page || cache.match(FALLBACK); });
  });
}

self.addEventListener("install", function (event) {
  // No skipWaiting: a new version takes over when her member pages are closed, never in the
  // middle of a page (see above).
  event.waitUntil(caches.open(CACHE).then(function (cache) { return storeOfflinePage(cache, ""); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var lang = event.data && event.data.language;
  if (typeof lang !== "string" || !/^[a-z]{2,3}$/.test(lang)) return;
  event.waitUntil(rememberLanguage(lang));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate") {
    // A page, or a form sent without JavaScript: if the network fails, nothing reached us.
    event.respondWith(fetch(req).catch(offlinePage));
    return;
  }
  if (req.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
  }
});

// Push messages (feedback/outbox/push.py): the server sends {title, body, url, lang, dir}, in her
// language. Only a page of this site opens from a message; anything else opens the home page.
var ICON = "/static/icons/icon-192.png";

function pagePath(url) {
  if (typeof url !== "string" || url.charAt(0) !== "/" || url.charAt(1) === "/" || url.charAt(1) === "\\") return "/";
  var full = new URL(url, self.location.origin);
  return full.origin === self.location.origin ? full.pathname + full.search + full.hash : "/";
}

self.addEventListener("push", function (event) {
  var data = {};
  try { data = (event.data && event.data.json()) || {}; } catch (_e) { data = {}; }
  var dir = data.dir === "rtl" || data.dir === "ltr" ? data.dir : "auto";
  event.waitUntil(self.registration.showNotification(String(data.title || ""), {
    body: String(data.body || ""),
    lang: typeof data.lang === "string" ? data.lang : "",
    dir: dir,
    icon: ICON,
    data: { url: pagePath(data.url) },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(pagePath(event.notification.data && event.notification.data.url), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then(function (windows) {
      // A member page that is open already: bring it forward and show the page there.
      var open = windows.filter(function (w) { return new URL(w.url).origin === self.location.origin; })[0];
      if (!open) return self.clients.openWindow(target);
      return open.focus().then(function (w) {
        return (w || open).navigate(target);
      }).catch(function () { return self.clients.openWindow(target); });
    })
  );
});
