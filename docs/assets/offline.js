// Registers the site's service worker (sw.js at the site's root, written by the build), which keeps
// every page, the search and the warning signs on the device after this first visit, so the guide
// opens with no connection and a repeat visit costs almost nothing (see sw.js for how it answers).
//
// The worker's address is found from this script's own, so the site works under any path; its
// scope is the folder it is in, the site's root. Registration waits until the page has loaded,
// so the worker's downloads never compete with the page the reader is opening.
(function () {
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  var worker = new URL("../sw.js", script.src);
  function register() {
    navigator.serviceWorker.register(worker.href).catch(function () {
      // No worker (a private window, storage turned off): the site works as it would without one.
    });
  }
  if (document.readyState === "complete") register();
  else addEventListener("load", register);
})();
