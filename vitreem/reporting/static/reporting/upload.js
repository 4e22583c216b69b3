// Upload with a progress bar: a large .zip on a slow line shows how far it has gone.
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form || !window.XMLHttpRequest) { return; }
  var bar = document.getElementById("progress"), text = document.getElementById("progress-text");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    bar.hidden = false;
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        bar.value = Math.round(event.loaded * 100 / event.total);
        text.textContent = "Đang tải lên: " + bar.value + "%";
      }
    });
    request.upload.addEventListener("load", function () { text.textContent = "Đang nhập số liệu…"; });
    request.addEventListener("load", function () {
      document.open(); document.write(request.responseText); document.close();
    });
    request.addEventListener("error", function () { text.textContent = "Mất kết nối; hãy thử lại."; });
    request.send(new FormData(form));
  });
})();
