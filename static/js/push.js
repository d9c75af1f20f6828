// Web Push on this device: the panel in templates/tracker/_push_panel.html. Hidden in the page
// and shown here, so without JavaScript nothing offers what cannot work. Where push is not
// possible (no PushManager, an iPhone not opened from the home screen, notifications blocked,
// no server keys) the panel says why and points to email instead.
(function () {
  "use strict";

  var panel = document.getElementById("push-panel");
  if (!panel) return;

  function part(name) {
    return panel.querySelector("[data-push-" + name + "]");
  }

  var status = part("status");
  var buttons = { on: part("on"), off: part("off"), test: part("test") };

  function say(text) {
    status.textContent = text;
  }

  function show(names) {
    Object.keys(buttons).forEach(function (name) {
      buttons[name].hidden = names.indexOf(name) === -1;
    });
  }

  function fallBack(reason) {
    show([]);
    say("");
    var fallback = part("fallback");
    fallback.hidden = false;
    var line = fallback.querySelector('[data-push-reason="' + reason + '"]');
    if (line) line.hidden = false;
  }

  function onIPhoneInBrowser() {
    var apple = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    var fromHomeScreen = navigator.standalone === true ||
      window.matchMedia("(display-mode: standalone)").matches;
    return apple && !fromHomeScreen;
  }

  function whyNot() {
    if (!panel.dataset.publicKey) return "server";
    if (!("serviceWorker" in navigator) || !("PushManager" in window) ||
        !("Notification" in window)) {
      return onIPhoneInBrowser() ? "iphone" : "unsupported";
    }
    if (Notification.permission === "denied") return "denied";
    return null;
  }

  function serverKey() {
    var base64 = panel.dataset.publicKey.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "====".slice((base64.length % 4) || 4);
    var raw = window.atob(base64);
    var key = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) key[i] = raw.charCodeAt(i);
    return key;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrfToken },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: panel.dataset.textNetwork };
      });
    });
  }

  function registration() {
    return navigator.serviceWorker
      .register(panel.dataset.workerUrl, { scope: "/" })
      .then(function () {
        return navigator.serviceWorker.ready;
      });
  }

  function showOn(message) {
    say(message || panel.dataset.textOn);
    show(["test", "off"]);
  }

  function showOff(message) {
    say(message || panel.dataset.textOff);
    show(["on"]);
  }

  function store(subscription) {
    return post(panel.dataset.subscribeUrl, subscription.toJSON()).then(function (answer) {
      if (answer.ok) {
        showOn(answer.message);
        return;
      }
      // The server refused it: undo in the browser too, so the two agree.
      return subscription.unsubscribe().then(function () {
        showOff(answer.message);
      });
    });
  }

  function turnOn() {
    say(panel.dataset.textWorking);
    Notification.requestPermission()
      .then(function (permission) {
        if (permission === "denied") {
          fallBack("denied");
          return null;
        }
        if (permission !== "granted") {
          showOff();
          return null;
        }
        return registration().then(function (worker) {
          return worker.pushManager
            .subscribe({ userVisibleOnly: true, applicationServerKey: serverKey() })
            .then(store);
        });
      })
      .catch(function (error) {
        showOff(panel.dataset.textFailed + " (" + error.name + ")");
        panel.dataset.pushError = error.name + ": " + error.message;
      });
  }

  function turnOff() {
    say(panel.dataset.textWorking);
    registration()
      .then(function (worker) {
        return worker.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (!subscription) return null;
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(panel.dataset.unsubscribeUrl, { endpoint: endpoint });
        });
      })
      .then(function () {
        showOff();
      })
      .catch(function () {
        say(panel.dataset.textNetwork);
      });
  }

  function sendTest() {
    say(panel.dataset.textWorking);
    post(panel.dataset.testUrl, {})
      .then(function (answer) {
        say(answer.message);
      })
      .catch(function () {
        say(panel.dataset.textNetwork);
      });
  }

  function start() {
    panel.hidden = false;
    var reason = whyNot();
    if (reason) {
      fallBack(reason);
      return;
    }
    buttons.on.addEventListener("click", turnOn);
    buttons.off.addEventListener("click", turnOff);
    buttons.test.addEventListener("click", sendTest);
    registration()
      .then(function (worker) {
        return worker.pushManager.getSubscription();
      })
      .then(function (subscription) {
        // Already on: send it again, as keys can change and the server may have dropped it.
        if (subscription && Notification.permission === "granted") return store(subscription);
        showOff();
      })
      .catch(function () {
        fallBack("unsupported");
      });
  }

  start();
})();
