/* Service worker of the FSGS Portal, served at /sw.js (scope "/").
   This minimal version only adds Web Push (sw-push.js); the offline helper's version replaces it
   and keeps the importScripts line. */
importScripts("/static/js/sw-push.js");
