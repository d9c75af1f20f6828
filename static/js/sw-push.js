// Push listeners for the service worker: the push helper supplies this file (issue #14).
