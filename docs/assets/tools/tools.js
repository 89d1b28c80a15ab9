// The tools' small scripts, loaded only by the pages that carry a tool (front matter `tool:`).
// Nothing here makes a request: printing, saving and the spreadsheet file all happen in the page.

// Print buttons. Without this script the button stays hidden and the browser's own Print works.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-print-wrap]").forEach(function (wrap) { wrap.hidden = false; });
})();

// The cramp diary: entries are kept in this browser's localStorage and never leave the device.
// Without this script the page still offers the blank diary to print.
(function () {
  "use strict";
  var KEY = "cramp-diary-v1";
  var root = document.querySelector("[data-diary]");
  if (!root) return;
  var form = root.querySelector("[data-diary-form]");
  var table = root.querySelector("[data-diary-entries]");
  var status = root.querySelector("[data-diary-status]");
  var sign = root.querySelector("[data-diary-sign]");
  // Answers that mean a warning sign may be happening now: the note with the signs is shown.
  var alerts = Array.prototype.slice.call(root.querySelectorAll("[data-diary-alert]"));
  var fields = Array.prototype.map.call(form.elements, function (el) { return el.name; })
    .filter(function (name) { return name; });
  var headings = Array.prototype.map.call(table.querySelectorAll("th"), function (th) { return th.textContent; });

  function load() {
    try {
      var entries = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(entries) ? entries : [];
    } catch (e) {
      return [];  // unreadable (or storage blocked): start empty rather than break the page
    }
  }

  function store(entries) {
    try {
      localStorage.setItem(KEY, JSON.stringify(entries));
      return true;
    } catch (e) {
      say("This browser would not save the entry (private browsing, or storage is full). Print the blank diary instead.");
      return false;
    }
  }

  function say(text) { status.textContent = text; }

  // Entries are shown with textContent only: whatever was typed stays text.
  function show() {
    var entries = load();
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    entries.slice().reverse().forEach(function (entry) {
      var row = body.insertRow();
      fields.forEach(function (name) { row.insertCell().textContent = entry[name] || ""; });
    });
    table.hidden = entries.length === 0;
    table.parentNode.hidden = table.hidden;  // its scroll box, focusable for keyboard scrolling, goes too
    root.querySelectorAll("[data-diary-print], [data-diary-export], [data-diary-clear]").forEach(function (b) {
      b.disabled = entries.length === 0;
    });
  }

  function showSign() {
    sign.hidden = !alerts.some(function (el) { return el.value === el.getAttribute("data-diary-alert"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var entry = {};
    fields.forEach(function (name) { entry[name] = String(form.elements[name].value || "").trim(); });
    var entries = load();
    entries.push(entry);
    if (store(entries)) {
      show();
      say("Saved. You have " + entries.length + (entries.length === 1 ? " entry." : " entries."));
      form.reset();
      setToday();
      showSign();
    }
  });

  alerts.forEach(function (el) { el.addEventListener("change", showSign); });

  root.querySelector("[data-diary-clear]").addEventListener("click", function () {
    if (!window.confirm("Delete all your diary entries from this device? This cannot be undone.")) return;
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
    show();
    say("All entries deleted from this device.");
  });

  root.querySelector("[data-diary-print]").addEventListener("click", function () {
    document.body.classList.add("diary-printing-entries");
    window.print();
  });
  window.addEventListener("afterprint", function () { document.body.classList.remove("diary-printing-entries"); });

  // A spreadsheet file (CSV) made in the page. A cell that starts with = + - or @ is prefixed
  // with ' so a spreadsheet shows it as text instead of running it as a formula.
  function cell(value) {
    var text = String(value || "");
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return '"' + text.replace(/"/g, '""') + '"';
  }

  root.querySelector("[data-diary-export]").addEventListener("click", function () {
    var lines = [headings.map(cell).join(",")].concat(load().map(function (entry) {
      return fields.map(function (name) { return cell(entry[name]); }).join(",");
    }));
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "cramp-diary.csv";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    say("The file cramp-diary.csv is in your downloads.");
  });

  function setToday() {
    var now = new Date();
    var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString();
    form.elements.date.value = local.slice(0, 10);
    form.elements.time.value = local.slice(11, 16);
  }

  root.hidden = false;
  var note = document.querySelector("[data-diary-nojs]");
  if (note) note.hidden = true;
  setToday();
  showSign();
  show();
})();
