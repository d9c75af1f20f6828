// Diary days saved without a connection (issue #15), kept in IndexedDB until they are sent.
// Shared by the diary pages (offline-diary.js) and the service worker (sw.js, Background Sync).
// Each entry: {id, url (the day's page), day, label, fields: [[name, value], ...], status, owner}.
// owner: the opaque key of the person who saved it (the page's <meta name="offline-user">): a day
// is sent only while that person is signed in, and removed when someone else signs in here.
// status: "waiting", or why the server did not take it: "conflict" (someone else saved the
// day meanwhile: the stale-edit rule), "invalid" (a value was refused), "refused" (no access).
(function (scope) {
  "use strict";

  var DB = "fsgs-offline";
  var STORE = "waiting";
  var OWNER = /<meta name="offline-user" content="([^"]+)">/;

  // The signed-in person's key in a page's HTML, or "" on a signed-out page.
  function ownerOf(html) {
    var found = OWNER.exec(html);
    return found ? found[1] : "";
  }

  // Only a save creates the database: reading or sending after log-out must not bring it back.
  function open(create) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        if (!create) return request.transaction.abort();
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  // One transaction; the connection closes after it, so log-out can delete the database.
  function run(mode, work, create) {
    return open(create).then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }

  // In the order they were saved (ids only grow).
  function all() {
    return run("readonly", function (store) {
      return store.getAll();
    }).catch(function () {
      return []; // no database: nothing waits
    });
  }

  function put(entry) {
    return run(
      "readwrite",
      function (store) {
        return store.put(entry);
      },
      true
    );
  }

  function remove(id) {
    return run("readwrite", function (store) {
      return store.delete(id);
    }).catch(function () {});
  }

  // Another person signed in on this device: their days go (not sent, not shown).
  function forget(owner) {
    return run("readwrite", function (store) {
      store.openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        if (!cursor) return;
        if (cursor.value.owner !== owner) cursor.delete();
        cursor.continue();
      };
    }).catch(function () {}); // no database: nothing to forget
  }

  // A second save of the same day replaces the first one, in its place in the line.
  function add(entry) {
    return all().then(function (entries) {
      var same = entries.filter(function (item) {
        return item.url === entry.url && item.owner === entry.owner;
      })[0];
      if (same) entry.id = same.id;
      else delete entry.id;
      entry.status = "waiting";
      return put(entry);
    });
  }

  function clear() {
    return new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB);
      request.onsuccess = request.onerror = function () {
        resolve();
      };
    });
  }

  // Send one day through the same form endpoint as a person would, with a fresh CSRF token
  // from the day's page. "sent", "later" (no connection, server trouble), "signed-out",
  // "someone-else" (the page is another person's: never sent in their name), or the reason
  // the day was not taken.
  async function send(entry) {
    var path = new URL(entry.url, scope.location.href).pathname;
    var page = await fetch(entry.url, { credentials: "same-origin", cache: "no-store" });
    if (page.redirected && new URL(page.url).pathname !== path) return "signed-out";
    if (page.status === 404) return "refused";
    if (!page.ok) return "later";
    var html = await page.text();
    var owner = ownerOf(html);
    if (!owner) return "signed-out";
    if (owner !== entry.owner) return "someone-else";
    var token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
    if (!token) return "later";
    if (html.indexOf("data-day-url=") < 0) return "refused"; // view-only now: no form
    var body = new URLSearchParams(entry.fields);
    body.set("csrfmiddlewaretoken", token[1]);
    var answer = await fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token[1] },
    });
    var landed = new URL(answer.url).pathname;
    if (answer.redirected) return landed === path ? "sent" : "signed-out";
    if (answer.status !== 200) return "later";
    return (await answer.text()).indexOf("data-stale-notice") >= 0 ? "conflict" : "invalid";
  }

  // Every waiting day of `owner` (of whoever the server says is signed in, when not given),
  // oldest first. Stops at the first one that must wait (offline, server trouble, signed out)
  // so days still go in order; a day the server refused, or another person's, does not stop
  // the others. One sender at a time across tabs and the worker.
  function replay(owner) {
    async function work() {
      var outcome = { sent: [], problems: [], signedOut: false };
      var entries = await all();
      for (var index = 0; index < entries.length; index++) {
        var entry = entries[index];
        if (entry.status !== "waiting" || (owner && entry.owner !== owner)) continue;
        var result;
        try {
          result = await send(entry);
        } catch (error) {
          break; // no connection
        }
        if (result === "later") break;
        if (result === "someone-else") continue;
        if (result === "signed-out") {
          outcome.signedOut = true;
          break;
        }
        if (result === "sent") {
          await remove(entry.id);
          outcome.sent.push(entry);
        } else {
          entry.status = result;
          await put(entry);
          outcome.problems.push(entry);
        }
      }
      return outcome;
    }
    if (scope.navigator.locks) return scope.navigator.locks.request("fsgs-send-waiting", work);
    return work();
  }

  scope.FsgsQueue = {
    all: all,
    add: add,
    put: put,
    remove: remove,
    forget: forget,
    clear: clear,
    replay: replay,
    ownerOf: ownerOf,
  };
})(self);
