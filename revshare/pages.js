// The HTML pages' script (revshare/pages.py inlines it): draws every chart and table of the page
// once it is loaded. Tables: a filter box (every word must appear in the row), sorting by a header
// click (numbers as numbers, in both directions), pages of rows with previous/next.
(function () {
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  function number(text) {
    var t = String(text).replace(/[,%+\s]/g, "").replace(/ETH$/, "");
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  }
  function count(n) { return n.toLocaleString("en-US"); }
  function cellText(c) { return c !== null && typeof c === "object" ? c.t : String(c); }
  function cell(c) {
    var td = document.createElement("td");
    var text = cellText(c);
    if (number(text) === null) td.className = "text";
    if (c !== null && typeof c === "object" && c.h) {
      var a = document.createElement("a"); a.href = c.h; a.textContent = text; td.appendChild(a);
    } else { td.textContent = text; }
    return td;
  }
  function table(box) {
    var spec = data(box.dataset.source), rows = spec.rows, shown = rows, page = 0, key = -1, dir = 1;
    var size = spec.pageSize, tools = document.createElement("div"), filter = document.createElement("input");
    var prev = document.createElement("button"), next = document.createElement("button");
    var status = document.createElement("span"), tbl = document.createElement("table");
    var head = document.createElement("tr"), body = document.createElement("tbody"), thead = document.createElement("thead");
    tools.className = "table-tools"; filter.type = "search"; filter.placeholder = "Filter rows (every word must match)";
    prev.textContent = "previous"; next.textContent = "next"; status.className = "status";
    tools.append(filter, prev, next, status);
    spec.headers.forEach(function (h, i) {
      var th = document.createElement("th"); th.textContent = h;
      th.dataset.base = "sortable" + (rows.length && number(cellText(rows[0][i])) === null ? " text" : "");
      th.className = th.dataset.base;
      th.addEventListener("click", function () { dir = key === i ? -dir : 1; key = i; sort(); draw(); });
      head.appendChild(th);
    });
    thead.appendChild(head); tbl.append(thead, body); tbl.id = box.id + "-table";
    box.append(tools, tbl);
    function sort() {
      shown = shown.slice().sort(function (a, b) {
        var x = cellText(a[key]), y = cellText(b[key]), nx = number(x), ny = number(y);
        if (nx !== null && ny !== null) return (nx - ny) * dir;
        return x.localeCompare(y) * dir;
      });
      Array.prototype.forEach.call(head.children, function (th, i) {
        th.className = th.dataset.base + (i === key ? (dir > 0 ? " asc" : " desc") : "");
      });
    }
    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(Math.max(page, 0), pages - 1);
      body.textContent = "";
      shown.slice(page * size, (page + 1) * size).forEach(function (r) {
        var tr = document.createElement("tr"); r.forEach(function (c) { tr.appendChild(cell(c)); }); body.appendChild(tr);
      });
      var first = shown.length ? page * size + 1 : 0, last = Math.min((page + 1) * size, shown.length);
      status.textContent = "rows " + count(first) + " to " + count(last) + " of " + count(shown.length) +
        (shown.length !== rows.length ? " (filtered from " + count(rows.length) + ")" : "") +
        ", page " + count(page + 1) + " of " + count(pages);
      prev.disabled = page === 0; next.disabled = page >= pages - 1;
    }
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      shown = rows.filter(function (r) {
        var line = r.map(cellText).join(" ").toLowerCase();
        return words.every(function (w) { return line.indexOf(w) >= 0; });
      });
      if (key >= 0) sort();
      page = 0; draw();
    });
    prev.addEventListener("click", function () { page -= 1; draw(); });
    next.addEventListener("click", function () { page += 1; draw(); });
    draw();
  }
  function charts() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll("div.chart").forEach(function (div) {
      var spec = data(div.dataset.source);
      Plotly.newPlot(div, spec.traces, spec.layout, {responsive: true, displaylogo: false});
    });
  }
  function start() { document.querySelectorAll("div.data-table").forEach(table); charts(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
