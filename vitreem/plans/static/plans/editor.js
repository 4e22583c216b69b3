// The outline editor with a keyboard: each row's form is sent in the background (the same post
// as without JavaScript) and the answer, the outline and the preview as the server now has them,
// replaces the panes. One operation at a time, each with the version the last answer gave.
(function () {
  "use strict";
  var root = document.getElementById("outline-editor");
  if (!root) { return; }
  var url = window.location.pathname;
  var queue = Promise.resolve();

  function panes() { return root.querySelector(".editor-panes"); }
  function version() { return panes().dataset.version; }

  function send(data) {
    data.set("version", version());
    root.classList.add("saving");
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      root.innerHTML = html;
      root.classList.remove("saving");
      // The answer closed the form a link had opened (?edit=…, ?add=…): the address says so too,
      // so that the same link opens it again.
      if (window.location.search) { window.history.replaceState(null, "", url); }
      focus(panes().dataset.focus);
    }).catch(function () {
      root.classList.remove("saving");
      var status = document.getElementById("outline-status");
      status.innerHTML = "";
      var p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = "Không gửi được thay đổi (mất kết nối?). Chưa có gì được lưu; hãy thử lại.";
      status.appendChild(p);
    });
  }
  function post(form, fields) {
    var data = new FormData(form);
    Object.keys(fields).forEach(function (name) { data.set(name, fields[name]); });
    queue = queue.then(function () { return send(data); });
    return queue;
  }
  function focus(path) {
    var row = path && document.getElementById("n" + path.split(".").join("-"));
    var target = row && (row.querySelector(".node-text") || row.querySelector("button:not([disabled])"));
    if (target) { target.focus(); }
  }
  function dirty(input) { return input && input.value !== input.defaultValue; }

  // A new row under (or above) a row, typed in place; Enter saves it, Escape drops it.
  function newRow(form, where) {
    var template = document.getElementById("new-row");
    var li = template.content.firstElementChild.cloneNode(true);
    var row = form.closest("li");
    li.querySelector("input[name=path]").value = form.dataset.path;
    li.querySelector("input[name=where]").value = where;
    if (where === "before") { row.parentNode.insertBefore(li, row); }
    else { row.parentNode.insertBefore(li, row.nextSibling); }
    li.className = row.className + " new-row";
    var input = li.querySelector(".node-text");
    input.focus();
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var fields = {};
    if (event.submitter && event.submitter.name) { fields[event.submitter.name] = event.submitter.value; }
    if (!fields.op && !form.querySelector("input[name=op]")) { fields.op = "edit"; }
    post(form, fields);
  });

  var keys = { ArrowUp: "up", ArrowDown: "down", ArrowRight: "indent", ArrowLeft: "outdent", Delete: "delete" };
  root.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("node-text")) {
      return;
    }
    var form = input.form;
    if (form.classList.contains("new-form")) {
      if (event.key === "Escape") { form.closest("li").remove(); }
      if (event.key === "Enter" && input.value.trim()) { event.preventDefault(); post(form, {}); }
      else if (event.key === "Enter") { event.preventDefault(); }
      return;
    }
    if (event.altKey && event.shiftKey && keys[event.key]) {
      event.preventDefault();
      if (dirty(input)) { post(form, { op: "edit" }); }
      post(form, { op: keys[event.key] });
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (dirty(input)) { post(form, { op: "edit" }); }
      else { newRow(form, event.shiftKey ? "before" : "after"); }
    } else if ((event.ctrlKey || event.metaKey) && event.key === "z" && !dirty(input)) {
      var undo = root.querySelector("form.undo");
      if (undo) { event.preventDefault(); post(undo, { op: "undo" }); }
    }
  });
})();
