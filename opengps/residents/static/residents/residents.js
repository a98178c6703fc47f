/* Residents' pages: the large-text and high-contrast choice, kept on this phone (localStorage, no
   server state), and the service worker that keeps the last viewed services for offline reading.
   Loaded from the head without defer so the stored choice applies before the page is drawn. */
(function () {
  "use strict";
  var VIEWS = ["large", "contrast"];
  var KEY = "opengps.residents.view.";
  var root = document.documentElement;
  var script = document.currentScript;

  function stored(view) {
    try { return window.localStorage.getItem(KEY + view) === "on"; } catch (e) { return false; }
  }
  function apply(view, on) {
    root.classList.toggle("residents-" + view, on);
  }
  VIEWS.forEach(function (view) { apply(view, stored(view)); });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".residents-view").forEach(function (group) { group.hidden = false; });
    document.querySelectorAll(".residents-view button[data-view]").forEach(function (button) {
      var view = button.getAttribute("data-view");
      button.setAttribute("aria-pressed", String(stored(view)));
      button.addEventListener("click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        try { window.localStorage.setItem(KEY + view, on ? "on" : "off"); } catch (e) { /* private mode */ }
        apply(view, on);
        button.setAttribute("aria-pressed", String(on));
      });
    });
  });

  if (script && "serviceWorker" in navigator) {
    var worker = script.getAttribute("data-worker");
    var scope = script.getAttribute("data-scope");
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker, { scope: scope }).catch(function () { /* online only */ });
    });
  }
})();
