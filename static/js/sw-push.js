/* Web Push in the service worker: show a reminder, and open its link when it is tapped.
   The payload is {title, body, url} and nothing else (no health data on a lock screen);
   only links on this site are ever opened. */
(function () {
  "use strict";

  var FALLBACK_TITLE = "FSGS Portal";

  function sameOriginUrl(url) {
    try {
      var parsed = new URL(url, self.location.origin);
      if (parsed.origin === self.location.origin) {
        return parsed.href;
      }
    } catch (error) {
      /* not a URL: fall through to the home page */
    }
    return self.location.origin + "/";
  }

  function text(value) {
    return typeof value === "string" ? value : "";
  }

  self.addEventListener("push", function (event) {
    var data = {};
    try {
      data = event.data ? event.data.json() : {};
    } catch (error) {
      data = {};
    }
    var title = text(data.title) || FALLBACK_TITLE;
    event.waitUntil(
      self.registration.showNotification(title, {
        body: text(data.body),
        data: { url: sameOriginUrl(text(data.url) || "/") },
      })
    );
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = sameOriginUrl(event.notification.data && event.notification.data.url);
    event.waitUntil(
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        for (var i = 0; i < windows.length; i += 1) {
          if (windows[i].url === url && "focus" in windows[i]) {
            return windows[i].focus();
          }
        }
        return self.clients.openWindow(url);
      })
    );
  });
})();
