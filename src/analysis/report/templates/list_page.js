// What incidents.html and matches.html share, inlined into each page's script when the page is written
// (the pages load nothing from elsewhere): the data read from the page, accent-free search text, filter
// options, the matching rows shown 200 to a page with their count, and those rows saved as CSV. Each
// page passes what is its own to listPage: how its rows are searched, kept, sorted and drawn.

var $ = function (id) { return document.getElementById(id); };

// The page's data ({title, note, columns, rows, ...}) from its JSON script element, with C: column -> index.
// The heading and note are written from it.
function readPageData(elementId, heading) {
  var data = JSON.parse($(elementId).textContent);
  var C = {};
  data.columns.forEach(function (name, i) { C[name] = i; });
  $("title").textContent = data.title ? heading + ": " + data.title : heading;
  $("note").textContent = data.note || "";
  return { data: data, C: C, rows: data.rows };
}

// Lower case without accents: "Ségou" is found by "segou".
function plain(text) {
  return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

// One row's searched columns as one accent-free text.
function searchedText(r, C, columns, separator) {
  return plain(columns.map(function (c) { return r[C[c]] == null ? "" : r[C[c]]; }).join(separator));
}

// options: [value, label] pairs, added after the select's first option ("all").
function addOptions(select, options) {
  options.forEach(function (o) {
    var option = document.createElement("option");
    option.value = String(o[0]);
    option.textContent = String(o[1]);
    select.appendChild(option);
  });
}

// The distinct values of one column (as text, unsorted), missing values left out.
function distinct(rows, index) {
  var seen = {};
  rows.forEach(function (r) { if (r[index] != null) seen[r[index]] = true; });
  return Object.keys(seen);
}

// A table cell of spans (class, text), labelled for the phone layout's cards; empty parts are left out.
function cell(tr, label, parts) {
  var td = document.createElement("td");
  td.dataset.label = label;
  parts.forEach(function (p) {
    if (p[1] === "" || p[1] == null) return;
    var span = document.createElement("span");
    if (p[0]) span.className = p[0];
    span.textContent = String(p[1]);
    td.appendChild(span);
    if (!p[0]) td.appendChild(document.createTextNode(" "));
  });
  tr.appendChild(td);
  return td;
}

// Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe, as in the
// tables/*.csv files.
function csvCell(v) {
  if (v == null) return "";
  var text = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function downloadCsv(fileName, header, records) {
  var lines = [header.map(csvCell).join(",")];
  records.forEach(function (values) { lines.push(values.map(csvCell).join(",")); });
  var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
  var link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
}

// The search box, the filters, the sort, the pages and the CSV button of a page. spec:
//   rows, haystack (each row's searched text), table (the table's id), noun ("matching incidents"),
//   emptyText; searchTerms(query) -> tests of a haystack text; filter() -> keep(row, index) for the
//   filters as set; order(sort) -> a comparison of row indexes; drawRow(row) -> a <tr>;
//   csv: {button, fileName, header, record(row) -> values}; changeIds (controls that update the rows);
//   reset() (the controls back to their first state).
// Returns update, for a control that does more than update the rows.
function listPage(spec) {
  var PAGE = 200;
  var rows = spec.rows, matching = [], page = 0;

  function update() {
    var terms = spec.searchTerms($("search").value);
    var keep = spec.filter();
    matching = [];
    for (var i = 0; i < rows.length; i++) {
      if (!keep(rows[i], i)) continue;
      var ok = true;
      for (var w = 0; w < terms.length && ok; w++) ok = terms[w](spec.haystack[i]);
      if (ok) matching.push(i);
    }
    matching.sort(spec.order($("sort").value));
    page = 0;
    draw();
  }

  function draw() {
    var pages = Math.max(1, Math.ceil(matching.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var first = page * PAGE, last = Math.min(matching.length, first + PAGE);
    var body = document.createDocumentFragment();
    for (var k = first; k < last; k++) body.appendChild(spec.drawRow(rows[matching[k]], matching[k]));
    var tbody = document.querySelector("#" + spec.table + " tbody");
    tbody.textContent = "";
    if (!matching.length) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = document.querySelectorAll("#" + spec.table + " thead th").length;
      td.className = "empty"; td.textContent = spec.emptyText;
      tr.appendChild(td); body.appendChild(tr);
    }
    tbody.appendChild(body);
    var n = matching.length.toLocaleString("en"), all = rows.length.toLocaleString("en");
    $("count").textContent = matching.length
      ? "Showing " + (first + 1).toLocaleString("en") + "\u2013" + last.toLocaleString("en") + " of " + n + " " +
        spec.noun + " (" + all + " in all)"
      : "0 " + spec.noun + " (" + all + " in all)";
    document.querySelectorAll(".pager").forEach(function (nav) {
      nav.querySelector(".page").textContent = "page " + (page + 1) + " of " + pages;
      nav.querySelector(".prev").disabled = page === 0;
      nav.querySelector(".next").disabled = page >= pages - 1;
    });
  }

  // The matching rows (all pages) as CSV, in the order shown.
  $(spec.csv.button).addEventListener("click", function () {
    downloadCsv(spec.csv.fileName, spec.csv.header, matching.map(function (i) { return spec.csv.record(rows[i]); }));
  });
  var timer = null;
  $("search").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  spec.changeIds.forEach(function (id) { $(id).addEventListener("change", update); });
  $("controls").addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); update(); });
  $("reset").addEventListener("click", function () { spec.reset(); update(); });
  document.querySelectorAll(".pager .prev").forEach(function (b) { b.addEventListener("click", function () { page--; draw(); window.scrollTo(0, 0); }); });
  document.querySelectorAll(".pager .next").forEach(function (b) { b.addEventListener("click", function () { page++; draw(); window.scrollTo(0, 0); }); });
  update();
  return update;
}
