// The API page: the list of operations is already on the page; the interactive viewer and its
// 1.7 MB are fetched only when asked for (or when a deep link "#/..." points into it).
(function () {
  "use strict";
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
    var button = document.getElementById("open-viewer");
    if (!button) { return; }
    button.addEventListener("click", function () { load(button); });
    if (window.location.hash.indexOf("#/") === 0) { load(button); }
  });
})();
