// The few behaviours every page shares, loaded from a file (the CSP allows no inline script).
// Without JavaScript the menu stays open and the print buttons stay hidden: the page still works.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The API page: the operations are on the page already; the interactive viewer and its 1.7 MB
  // are fetched only when asked for (or when a deep link "#/..." points into it). It lives here,
  // not in a file of its own: on a slow line each more file is one more round trip.
  function load(button) {
    if (button.disabled) { return; }
    button.disabled = true;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = button.dataset.css;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = button.dataset.bundle;
    script.onload = function () {
      var box = document.getElementById("swagger-ui");
      var config = JSON.parse(document.getElementById("swagger-settings").textContent);
      config.dom_id = "#swagger-ui";
      config.presets = [SwaggerUIBundle.presets.apis];
      if (box.dataset.apiCsrf && box.dataset.csrfToken) {
        config.requestInterceptor = function (req) {
          req.headers["X-CSRFToken"] = box.dataset.csrfToken;
          return req;
        };
      }
      SwaggerUIBundle(config);
      document.getElementById("operations").hidden = true;
    };
    document.head.appendChild(script);
  }

  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the menu folds into one button.
    var toggle = document.querySelector(".menu-toggle");
    var bar = toggle && toggle.closest(".topbar");
    if (toggle && bar) {
      toggle.addEventListener("click", function () {
        var open = bar.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    var viewer = document.getElementById("open-viewer");
    if (viewer) {
      viewer.addEventListener("click", function () { load(viewer); });
      if (window.location.hash.indexOf("#/") === 0) { load(viewer); }
    }
    // "In": the browser's print dialog, with the print styles of vitreem.css.
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
