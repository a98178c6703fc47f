/* Residents' service worker (scope /residents/): the service pages a resident viewed are kept
   (the last {{ keep }}) and shown when the phone is offline; other pages go to the network, with the
   offline page when it cannot be reached. Rendered by `views.worker`, which lists the deployed
   (hashed) static names and derives VERSION from them, so a deploy installs a fresh copy. */
"use strict";
var VERSION = "{{ version }}";
var SHELL = "residents-shell-" + VERSION;
var PAGES = "residents-pages";
var KEEP = {{ keep }};
var SERVICE = new RegExp({{ service_pattern_json|safe }});
var SHELL_FILES = {{ shell_json|safe }};
var OFFLINE = SHELL_FILES[0];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("residents-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function remember(request, response) {
  return caches.open(PAGES).then(function (cache) {
    return cache.put(request, response).then(function () { return cache.keys(); })
      .then(function (keys) {
        // Cache keys keep insertion order; a page viewed again is re-inserted, so the oldest go first.
        return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP)).map(function (key) {
          return cache.delete(key);
        }));
      });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    var isService = SERVICE.test(url.pathname) && !url.search;
    event.respondWith(fetch(request).then(function (response) {
      if (isService && response.ok) {
        var copy = response.clone();
        event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.delete(request); })
          .then(function () { return remember(request, copy); }));
      }
      return response;
    }).catch(function () {
      return caches.match(request, { cacheName: PAGES }).then(function (hit) {
        return hit || caches.match(OFFLINE);
      });
    }));
    return;
  }
  if (SHELL_FILES.indexOf(url.pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});
