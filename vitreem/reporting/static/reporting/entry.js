// Spreadsheet-like entry of a report: arrows, Enter and Tab move between cells; each changed
// cell is saved as a draft through the API (the same checks as the page), without a reload.
(function () {
  "use strict";
  var form = document.getElementById("report");
  if (!form) { return; }
  var cells = Array.prototype.slice.call(form.querySelectorAll("input.cell:not([readonly])"));
  var status = document.getElementById("autosave");
  var version = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var id = form.dataset.submission;

  function position(input) {
    var td = input.closest("td"), tr = td.parentElement;
    return { row: tr, col: Array.prototype.indexOf.call(tr.children, td) };
  }
  function move(input, dr, dc) {
    var p = position(input), rows = Array.prototype.slice.call(p.row.parentElement.children);
    var r = rows.indexOf(p.row) + dr;
    if (dc !== 0) {
      var i = cells.indexOf(input) + dc;
      if (cells[i]) { cells[i].focus(); cells[i].select(); }
      return;
    }
    if (r < 0 || r >= rows.length) { return; }
    var target = rows[r].children[p.col] && rows[r].children[p.col].querySelector("input.cell");
    if (target) { target.focus(); target.select(); }
  }
  // Submitting waits for the saves under way, so the page posts the latest version.
  form.addEventListener("submit", function (e) {
    if (form.dataset.flushed) { return; }
    e.preventDefault();
    var button = e.submitter;
    queue.then(function () {
      form.dataset.flushed = "1";
      if (button && button.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
        form.appendChild(hidden);
      }
      form.submit();
    });
  });
  cells.forEach(function (input) {
    input.dataset.saved = input.value;
    input.addEventListener("keydown", function (e) {
      var keys = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0] };
      if (keys[e.key]) { e.preventDefault(); move(input, keys[e.key][0], keys[e.key][1]); }
      else if (e.key === "ArrowLeft" && input.selectionStart === 0) { e.preventDefault(); move(input, 0, -1); }
      else if (e.key === "ArrowRight" && input.selectionEnd === input.value.length) { e.preventDefault(); move(input, 0, 1); }
    });
    input.addEventListener("change", function () { save(input); });
  });

  function parse(input) {
    var raw = input.value.trim().replace(/\s/g, "");
    if (raw === "") { return null; }
    if (/^\d{1,3}(\.\d{3})+$/.test(raw)) { raw = raw.replace(/\./g, ""); }
    if (!/^\d+$/.test(raw)) { return undefined; }
    var money = input.dataset.money === "1";  // money is typed in thousands of đồng
    return parseInt(raw, 10) * (money ? 1000 : 1);
  }
  // One save at a time, each with the version the previous one returned: no lost update.
  var queue = Promise.resolve();
  function save(input) {
    queue = queue.then(function () { return send(input); });
  }
  function send(input) {
    var parts = input.name.split("-");  // c-element-row-category
    var value = parse(input);
    if (value === undefined) {
      input.classList.add("invalid");
      status.textContent = "Ô “" + input.getAttribute("aria-label") + "”: cần một số nguyên không âm.";
      return Promise.resolve();
    }
    input.classList.remove("invalid");
    status.textContent = "Đang lưu…";
    return fetch("/api/v1/submissions/" + id + "/values", {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({
        version: parseInt(version.value, 10),
        values: [{ element: parts[1], row: parts[2], category: parts[3], value: value }]
      })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        version.value = result.body.version;
        input.dataset.saved = input.value;
        status.textContent = "Đã lưu nháp.";
      } else {
        input.classList.add("invalid");
        status.textContent = result.body.detail || "Không lưu được.";
      }
    }).catch(function () { status.textContent = "Mất kết nối: số liệu sẽ được lưu khi bấm Lưu."; });
  }
})();
