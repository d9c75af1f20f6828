// Every page (issue #15): registers the service worker (/sw.js), shows the "saved copy" banner
// on a page the worker served from its store, tells it who is signed in (<meta name="offline-
// user">: another person's waiting days and stored pages go) and asks it to send this person's
// waiting diary days (now and when the connection returns). It clears this device's private
// copies at log-out, with its push subscription, or whenever the server shows a signed-out page.
// Without JavaScript none of this runs and nothing is stored (log-out's Clear-Site-Data clears
// the rest).
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  var signedIn = script.hasAttribute("data-signed-in");
  var logoutPath = script.getAttribute("data-logout");
  var pushOffUrl = script.getAttribute("data-push-off");
  var ownerMeta = document.querySelector('meta[name="offline-user"]');
  var user = ownerMeta ? ownerMeta.content : "";

  function tellWorker(message) {
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          resolve(event.data);
        };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }

  // This device's push subscription: the server forgets it while the session still lets it
  // (issue #14's endpoint), then the browser drops it, so no reminder reaches the next person.
  function pushOff(form) {
    var token = form.querySelector('[name="csrfmiddlewaretoken"]');
    return navigator.serviceWorker
      .getRegistration("/")
      .then(function (registration) {
        return registration && registration.pushManager
          ? registration.pushManager.getSubscription()
          : null;
      })
      .then(function (subscription) {
        if (!subscription) return null;
        var told = fetch(pushOffUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
          body: JSON.stringify({ endpoint: subscription.endpoint }),
        });
        return told
          .catch(function () {})
          .then(function () {
            return subscription.unsubscribe();
          });
      })
      .catch(function () {});
  }

  // Log-out: the push subscription, every stored diary day and every stored page but the
  // static files, before the form goes. A stuck step does not keep the person signed in: the
  // form goes after 2 s.
  function clearDevice(form) {
    var work = [
      pushOff(form),
      new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase("fsgs-offline");
        request.onsuccess = request.onerror = resolve;
      }),
    ];
    if (window.caches) {
      work.push(
        caches.keys().then(function (names) {
          return Promise.all(
            names
              .filter(function (name) {
                return name.indexOf("fsgs-static-") !== 0;
              })
              .map(function (name) {
                return caches.delete(name);
              })
          );
        })
      );
    }
    var timeout = new Promise(function (resolve) {
      setTimeout(resolve, 2000);
    });
    return Promise.race([Promise.all(work), timeout]);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !logoutPath) return;
    if (new URL(form.action, location.href).pathname !== logoutPath) return;
    event.preventDefault();
    clearDevice(form).then(function () {
      form.submit();
    });
  });

  var savedCopy = document.documentElement.hasAttribute("data-saved-copy");
  if (savedCopy) {
    document.querySelectorAll("[data-offline-banner]").forEach(function (banner) {
      banner.hidden = false;
    });
  }

  function sendWaiting() {
    if (signedIn && navigator.onLine) tellWorker({ type: "send-waiting", user: user });
  }

  // "Save all guides for offline" on the guide index.
  var saveGuides = document.querySelector("[data-save-guides]");
  if (saveGuides) {
    var button = saveGuides.querySelector("button");
    var status = saveGuides.querySelector("[role=status]");
    saveGuides.hidden = false;
    button.addEventListener("click", function () {
      var urls = [location.pathname];
      document.querySelectorAll("a[data-guide-link]").forEach(function (link) {
        urls.push(new URL(link.href).pathname);
      });
      button.disabled = true;
      status.textContent = saveGuides.getAttribute("data-text-saving");
      tellWorker({ type: "save-guides", urls: urls }).then(function (answer) {
        button.disabled = false;
        var saved = answer && answer.ok && answer.result === urls.length;
        status.textContent = saveGuides.getAttribute(saved ? "data-text-saved" : "data-text-failed");
      });
    });
  }

  navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: "/" }).then(function () {
    // A saved copy says nothing about this session: a guide's is always the signed-out page.
    if (savedCopy) sendWaiting();
    else if (user) tellWorker({ type: "signed-in", user: user });
    else if (!signedIn) tellWorker({ type: "signed-out" });
  });
  window.addEventListener("online", sendWaiting);
})();
