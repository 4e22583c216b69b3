// Upload with a progress bar: a large file on a slow line shows how far it has gone; once the
// file is accepted, the job that imports it has its own page.
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
    request.upload.addEventListener("load", function () { text.textContent = "Đang kiểm tra tệp…"; });
    request.addEventListener("load", function () {
      // Accepted: the server sent us on to the job's page, which shows the import's progress.
      if (request.responseURL && request.responseURL.indexOf("/jobs/") !== -1) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open(); document.write(request.responseText); document.close();
    });
    request.addEventListener("error", function () { text.textContent = "Mất kết nối; hãy thử lại."; });
    request.send(new FormData(form));
  });
})();
