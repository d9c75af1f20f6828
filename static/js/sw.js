// The portal's service worker (issue #15), served at /sw.js by fsgs_portal.views.service_worker,
// which fills in the quoted __PLACEHOLDERS__ with this release's static URLs.
// - Static files: cache first when the name is hashed, else network first.
// - Guides, the guide index and the glossary: from the network, a copy kept for offline; the
//   copy is always the signed-out page, so no name from the menu is stored with it.
// - The diary form pages, while signed in: from the network, a copy kept for offline. No other
//   private page is ever stored. Log-out and any signed-out page clear these copies, and so
//   does a page of another person (they are one person's: the key in OWNER_MARK).
// - Diary days saved offline wait in IndexedDB (offline-queue.js) and are sent from here on
//   Background Sync, and when a page asks (page load, the online event).
importScripts("__PUSH_SCRIPT__", "__QUEUE_SCRIPT__");

var VERSION = "__VERSION__";
var SHELL = "__SHELL__";
var STATIC_PREFIX = "__STATIC_PREFIX__";
var LOGOUT = "__LOGOUT__";
var STATIC_CACHE = "fsgs-static-" + VERSION;
var GUIDES_CACHE = "fsgs-guides";
var PRIVATE_CACHE = "fsgs-private";
var OWNER_MARK = "/offline-user";
var GUIDE_PAGE = /^(\/[a-z]{2}(-[a-z]+)?)?\/learn\/([\w-]+\/)?$/;
var NOT_GUIDES = /\/learn\/search\/$/;
var DIARY_PAGE = /^\/patients\/[\w-]{12}\/diary\/(\d{4}-\d{2}-\d{2}\/)?$/;
var DIARY_HOME = "/diary/";
var HASHED = /\.[0-9a-f]{12}\.[\w]+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(SHELL);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("fsgs-static-") === 0 && name !== STATIC_CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

// A stored page, marked as a saved copy so the page's script shows the offline banner.
function savedCopy(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    return new Response(html.replace("<html", "<html data-saved-copy"), {
      status: 200,
      headers: headers,
    });
  });
}

function fromCache(cacheName, key) {
  return caches
    .open(cacheName)
    .then(function (cache) {
      return cache.match(key, { ignoreSearch: true, ignoreVary: true });
    })
    .then(function (stored) {
      return stored ? savedCopy(stored) : Response.error();
    });
}

function usable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

// Signed-in pages say no-store: keep the signed-out version of the same guide instead.
function storeGuide(url, response) {
  var signedIn = !response || /no-store/.test(response.headers.get("Cache-Control") || "");
  var copy = signedIn ? fetch(url, { credentials: "omit" }) : Promise.resolve(response);
  return copy
    .then(function (page) {
      if (!usable(page)) return false;
      return caches.open(GUIDES_CACHE).then(function (cache) {
        return cache.put(url, page).then(function () {
          return true;
        });
      });
    })
    .catch(function () {
      return false;
    });
}

// The stored diary pages, emptied first when they are not `owner`'s (or nobody's: older copies).
function privateFor(owner) {
  return caches.open(PRIVATE_CACHE).then(function (cache) {
    return cache
      .match(OWNER_MARK)
      .then(function (mark) {
        return mark ? mark.text() : null;
      })
      .then(function (stored) {
        if (stored === owner) return cache;
        return clearPrivate()
          .then(function () {
            return caches.open(PRIVATE_CACHE);
          })
          .then(function (fresh) {
            return fresh.put(OWNER_MARK, new Response(owner)).then(function () {
              return fresh;
            });
          });
      });
  });
}

// A person signed in (a page from the server says who): other people's waiting days and
// stored pages go.
function forgetOthers(owner) {
  return Promise.all([
    FsgsQueue.forget(owner),
    caches.has(PRIVATE_CACHE).then(function (stored) {
      return stored && privateFor(owner);
    }),
  ]);
}

// Only a page holding a day form is kept (not a view-only caregiver's diary).
function storeDiaryPage(url, response) {
  return response
    .clone()
    .text()
    .then(function (html) {
      var owner = FsgsQueue.ownerOf(html);
      if (!owner || html.indexOf("data-day-url=") < 0) return null;
      return privateFor(owner).then(function (cache) {
        var puts = [cache.put(url, response.clone())];
        // The installed app starts at /diary/: offline, the last diary seen today opens there.
        if (!/\d\/$/.test(new URL(url).pathname)) puts.push(cache.put(DIARY_HOME, response));
        return Promise.all(puts);
      });
    });
}

function clearPrivate() {
  return caches.delete(PRIVATE_CACHE);
}

function networkThenCopy(event, store, cacheName) {
  var request = event.request;
  event.respondWith(
    fetch(request)
      .then(function (response) {
        if (usable(response)) event.waitUntil(store(request.url, response.clone()));
        return response;
      })
      .catch(function () {
        return fromCache(cacheName, request.url);
      })
  );
}

// A hashed name (whitenoise's manifest storage) never changes content: stored copy first.
// Unhashed names (a developer's checkout) may change: network first, the stored copy offline.
function staticFile(event) {
  var request = event.request;
  var hashed = HASHED.test(new URL(request.url).pathname);
  event.respondWith(
    caches.open(STATIC_CACHE).then(function (cache) {
      function fetchAndStore() {
        return fetch(request).then(function (response) {
          if (usable(response)) cache.put(request, response.clone());
          return response;
        });
      }
      if (!hashed) {
        return fetchAndStore().catch(function () {
          return cache.match(request).then(function (stored) {
            return stored || Response.error();
          });
        });
      }
      return cache.match(request).then(function (stored) {
        return stored || fetchAndStore();
      });
    })
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (url.pathname === LOGOUT) event.waitUntil(Promise.all([clearPrivate(), FsgsQueue.clear()]));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) return staticFile(event);
  if (request.mode !== "navigate") return; // htmx partials and downloads pass by
  if (GUIDE_PAGE.test(url.pathname) && !NOT_GUIDES.test(url.pathname)) {
    return networkThenCopy(event, storeGuide, GUIDES_CACHE);
  }
  if (DIARY_PAGE.test(url.pathname) || url.pathname === DIARY_HOME) {
    return networkThenCopy(event, storeDiaryPage, PRIVATE_CACHE);
  }
});

function tellPages(message) {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) {
      page.postMessage(message);
    });
  });
}

// Send the waiting days (of `owner`, when a page says who is signed in); refresh the stored
// copy of each sent day's page; tell the pages.
function sendWaiting(owner) {
  return FsgsQueue.replay(owner).then(function (outcome) {
    var refreshed = outcome.sent.map(function (entry) {
      return caches.open(PRIVATE_CACHE).then(function (cache) {
        return cache.match(entry.url).then(function (stored) {
          if (!stored) return null;
          return fetch(entry.url).then(function (page) {
            return usable(page) ? cache.put(entry.url, page) : null;
          });
        });
      });
    });
    if (outcome.signedOut) refreshed.push(clearPrivate());
    return Promise.all(refreshed)
      .catch(function () {})
      .then(function () {
        return tellPages({ type: "fsgs-replayed", outcome: outcome });
      });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "fsgs-send-waiting") event.waitUntil(sendWaiting());
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  var done;
  if (data.type === "send-waiting") done = sendWaiting(data.user);
  else if (data.type === "signed-out") done = clearPrivate();
  else if (data.type === "signed-in") {
    done = forgetOthers(data.user).then(function () {
      return sendWaiting(data.user);
    });
  } else if (data.type === "save-guides") {
    done = Promise.all(
      (data.urls || []).map(function (url) {
        return storeGuide(new URL(url, self.location.origin).href, null);
      })
    ).then(function (results) {
      return results.filter(Boolean).length;
    });
  }
  if (!done) return;
  event.waitUntil(
    done.then(
      function (result) {
        if (reply) reply.postMessage({ ok: true, result: result });
      },
      function () {
        if (reply) reply.postMessage({ ok: false });
      }
    )
  );
});
