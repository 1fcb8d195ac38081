// staticapi search page: our own script (no framework, no CDN).
// Streams <base>staticapi/v1/search (JSON lines: hits, then a summary), draws the hits-over-time
// chart and the results grouped by source. Every string from the archive goes in as a text node.
"use strict";

(function () {
  const form = document.getElementById("search-form");
  const base = form.dataset.base || "/";
  const qBox = document.getElementById("q");
  const statusEl = document.getElementById("status");
  const chartEl = document.getElementById("chart");
  const resultsEl = document.getElementById("results");
  const sigEl = document.getElementById("signatures");
  const SVG = "http://www.w3.org/2000/svg";
  let controller = null;
  let hitEls = [];
  let selected = -1;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }

  function fmtTime(iso) {
    if (!iso) return "";
    return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  // ---- the URL holds the query -------------------------------------------------------------
  function defaultIn() {  // the server's default sources (corpus.DEFAULT_SOURCES), in page order
    return (form.dataset.defaultIn || "logs,nodes,events").split(",").filter(Boolean);
  }

  function paramsFromForm() {
    const p = new URLSearchParams();
    const fd = new FormData(form);
    const q = (fd.get("q") || "").toString();
    if (q) p.set("q", q);
    if (fd.get("ignoreCase")) p.set("ignoreCase", "1");
    const ins = fd.getAll("in").map(String);
    const dflt = defaultIn();
    if (ins.join(",") !== dflt.join(",")) p.set("in", ins.join(","));
    for (const k of ["namespace", "pod", "container", "kind", "from", "to"]) {
      const v = (fd.get(k) || "").toString().trim();
      if (v) p.set(k, v);
    }
    const ctx = (fd.get("context") || "0").toString();
    if (ctx !== "0" && ctx !== "") p.set("context", ctx);
    const lim = (fd.get("limit") || "1000").toString();
    if (lim !== "1000" && lim !== "") p.set("limit", lim);
    return p;
  }

  function formFromParams(p) {
    qBox.value = p.get("q") || "";
    form.elements.ignoreCase.checked = p.get("ignoreCase") === "1" || p.get("ignoreCase") === "true";
    const ins = p.get("in") ? p.get("in").split(",") : defaultIn();
    for (const cb of form.querySelectorAll("input[name=in]")) cb.checked = ins.includes(cb.value);
    for (const k of ["namespace", "pod", "container", "kind", "from", "to"]) form.elements[k].value = p.get(k) || "";
    form.elements.context.value = p.get("context") || "0";
    form.elements.limit.value = p.get("limit") || "1000";
  }

  // ---- results -------------------------------------------------------------------------------
  function groupKey(h) {
    if (h.source === "logs") return h.namespace + "/" + h.pod + "/" + h.container;
    return h.label;
  }

  function addHit(groups, h) {
    const key = h.source + "\u0000" + groupKey(h);
    let g = groups.get(key);
    if (!g) {
      const sec = el("section", "group src-" + h.source);
      const head = el("h3", "group-head");
      head.appendChild(el("span", "src", h.source));
      head.appendChild(el("span", "label", groupKey(h)));
      const count = el("span", "count muted", "");
      head.appendChild(count);
      sec.appendChild(head);
      const list = el("ol", "hits");
      sec.appendChild(list);
      resultsEl.appendChild(sec);
      g = { list: list, count: count, n: 0 };
      groups.set(key, g);
    }
    g.n += 1;
    g.count.textContent = g.n === 1 ? "1 hit" : g.n + " hits";
    const li = el("li", "hit");
    const meta = el("div", "hit-meta");
    const a = el("a", "hit-link", (h.file ? h.file + ":" : h.path && h.source === "nodes" ? h.path + ":" : "") + "L" + (h.line || ""));
    if (h.link) a.href = h.link;
    meta.appendChild(a);
    if (h.previous) meta.appendChild(el("span", "tag", "previous"));
    if (h.node && h.source === "nodes") meta.appendChild(el("span", "tag", h.node));
    if (h.source === "audit") for (const k of ["verb", "user"]) if (h[k]) meta.appendChild(el("span", "tag", h[k]));
    if (h.time) meta.appendChild(el("time", "muted", fmtTime(h.time)));
    li.appendChild(meta);
    const pre = el("pre", "hit-text");
    for (const b of h.before || []) pre.appendChild(el("span", "ctx", b + "\n"));
    pre.appendChild(el("span", "match", h.text));
    for (const b of h.after || []) pre.appendChild(el("span", "ctx", "\n" + b));
    li.appendChild(pre);
    li.tabIndex = -1;
    li.dataset.href = h.link || "";
    li.addEventListener("click", function (ev) {
      if (ev.target.tagName !== "A") select(hitEls.indexOf(li));
    });
    g.list.appendChild(li);
    hitEls.push(li);
  }

  function select(i) {
    if (!hitEls.length) return;
    if (selected >= 0 && hitEls[selected]) hitEls[selected].classList.remove("sel");
    selected = Math.max(0, Math.min(hitEls.length - 1, i));
    const li = hitEls[selected];
    li.classList.add("sel");
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
  }

  // ---- chart ---------------------------------------------------------------------------------
  function drawChart(summary) {
    const h = summary.histogram;
    while (chartEl.firstChild) chartEl.removeChild(chartEl.firstChild);
    if (!h || !summary.hits) {
      chartEl.hidden = true;
      return;
    }
    chartEl.hidden = false;
    const n = h.counts.length;
    const W = 900, H = 120, padL = 36, padB = 18;
    const max = Math.max(1, ...h.counts);
    const bw = (W - padL) / n;
    const root = svg("svg", { viewBox: "0 0 " + W + " " + (H + padB), class: "hist", role: "img",
                              "aria-label": "hits over time" });
    root.appendChild(svg("line", { x1: padL, y1: H, x2: W, y2: H, class: "axis" }));
    const yl = svg("text", { x: padL - 4, y: 10, class: "tick", "text-anchor": "end" });
    yl.textContent = String(max);
    root.appendChild(yl);
    const t0 = Date.parse(h.start), t1 = Date.parse(h.end);
    for (let i = 0; i < n; i++) {
      let y = H;
      h.series.forEach(function (s, si) {
        const c = s.counts[i];
        if (!c) return;
        const hh = (c / max) * (H - 12);
        const r = svg("rect", { x: padL + i * bw + 0.5, y: y - hh, width: Math.max(1, bw - 1), height: hh,
                                class: "bar s" + (si % 9) });
        const tip = svg("title", {});
        const when = new Date(t0 + i * (t1 - t0) / n).toISOString().slice(0, 16).replace("T", " ");
        tip.textContent = when + "Z  " + s.label + ": " + c;
        r.appendChild(tip);
        root.appendChild(r);
        y -= hh;
      });
    }
    for (const [x, t, anchor] of [[padL, h.start, "start"], [W, h.end, "end"]]) {
      const tx = svg("text", { x: x, y: H + 14, class: "tick", "text-anchor": anchor });
      tx.textContent = fmtTime(t);
      root.appendChild(tx);
    }
    chartEl.appendChild(root);
    const legend = el("div", "legend");
    h.series.forEach(function (s, si) {
      const item = el("span", "legend-item");
      item.appendChild(el("span", "swatch s" + (si % 9)));
      item.appendChild(document.createTextNode(s.label + " (" + s.counts.reduce((a, b) => a + b, 0) + ")"));
      legend.appendChild(item);
    });
    chartEl.appendChild(legend);
    // "it started at 10:42 on the three masters": the first hit, and each series' first hit
    if (summary.firstHit) {
      const bySeries = h.series.filter((s) => s.first).slice().sort((a, b) => (a.first < b.first ? -1 : 1));
      const hm = (iso) => iso.slice(11, 19);
      const firstMin = summary.firstHit.slice(0, 16);
      const now = bySeries.filter((s) => s.first.slice(0, 16) === firstMin).map((s) => s.label);
      const later = bySeries.filter((s) => s.first.slice(0, 16) !== firstMin).map((s) => s.label + " " + hm(s.first));
      let txt = "first hit " + fmtTime(summary.firstHit) + " on " + now.join(", ");
      if (later.length) txt += "; then " + later.join(", ");
      chartEl.insertBefore(el("p", "started", txt), chartEl.firstChild);
    }
  }

  // ---- running a search ----------------------------------------------------------------------
  async function run(push) {
    const p = paramsFromForm();
    const url = location.pathname + (p.toString() ? "?" + p.toString() : "");
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    if (controller) controller.abort();
    while (resultsEl.firstChild) resultsEl.removeChild(resultsEl.firstChild);
    chartEl.hidden = true;
    hitEls = [];
    selected = -1;
    if (!p.get("q")) {
      statusEl.textContent = "";
      loadSignatures();
      return;
    }
    sigEl.hidden = true;
    controller = new AbortController();
    const mine = controller;
    statusEl.textContent = "searching…";
    statusEl.classList.remove("error");
    const groups = new Map();
    let resp;
    try {
      resp = await fetch(base + "staticapi/v1/search?" + p.toString(), { signal: mine.signal });
    } catch (e) {
      if (mine.signal.aborted) return;
      statusEl.textContent = "search failed: " + e;
      return;
    }
    if (!resp.ok) {
      let msg = resp.status + " " + resp.statusText;
      try { msg = (await resp.json()).message || msg; } catch (e) { /* not JSON */ }
      statusEl.textContent = msg;
      statusEl.classList.add("error");
      return;
    }
    statusEl.classList.remove("error");
    const reader = resp.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    let shown = 0;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const obj = JSON.parse(line);
          if (obj.type === "hit") {
            addHit(groups, obj);
            shown += 1;
            if (shown % 200 === 0) statusEl.textContent = "searching… " + shown + " hits";
          } else if (obj.type === "summary") {
            finish(obj);
          }
        }
      }
    } catch (e) {
      if (!mine.signal.aborted) statusEl.textContent = "search failed: " + e;
    }
  }

  function finish(s) {
    const by = Object.entries(s.bySource).filter((kv) => kv[1]).map((kv) => kv[0] + " " + kv[1]).join(", ");
    let txt = s.hits + (s.hits === 1 ? " matching line" : " matching lines") + (by ? " (" + by + ")" : "") +
      " in " + s.documents + " documents, " + (s.bytes / 1048576).toFixed(1) + " MB, " + s.elapsedSeconds + " s";
    if (s.truncated) txt += " — showing the first " + s.returned + " (raise limit for more)";
    if (s.untimed) txt += " — " + s.untimed + " without a time";
    statusEl.textContent = txt;
    drawChart(s);
    if (!s.hits) resultsEl.appendChild(el("p", "muted", "No match."));
  }

  // ---- signatures as starting points ---------------------------------------------------------
  let sigsLoaded = false;
  async function loadSignatures() {
    sigEl.hidden = false;
    if (sigsLoaded) return;
    sigsLoaded = true;
    const tbody = sigEl.querySelector("tbody");
    tbody.appendChild(el("tr", "muted")).appendChild(el("td", "", "computing signatures…")).colSpan = 6;
    let data;
    try {
      const r = await fetch(base + "staticapi/v1/signatures?limit=100");
      data = await r.json();
    } catch (e) {
      tbody.firstChild.firstChild.textContent = "signatures failed: " + e;
      return;
    }
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    for (const s of data.items || []) {
      const tr = el("tr", "sig");
      tr.appendChild(el("td")).appendChild(el("span", "sev sev-" + (s.level === "error" ? "error" : "warning"), s.level));
      tr.appendChild(el("td", "num", s.count));
      const where = s.source === "logs" ? s.namespace + "/" + s.container : "node " + s.container;
      const many = s.pods > 1 ? " · " + s.pods + (s.source === "logs" ? " pods" : " nodes") : "";
      tr.appendChild(el("td", "", where + many));
      tr.appendChild(el("td", "muted", fmtTime(s.firstSeen)));
      tr.appendChild(el("td", "muted", fmtTime(s.lastSeen)));
      const td = el("td", "mono");
      const a = el("a", "sig-query", s.text);
      a.href = "?" + new URLSearchParams({ q: s.query }).toString();
      a.title = s.sample;
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        qBox.value = s.query;
        run(true);
      });
      td.appendChild(a);
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    if (!(data.items || []).length) tbody.appendChild(el("tr")).appendChild(el("td", "muted", "no error or warning lines")).colSpan = 6;
  }

  // ---- wiring --------------------------------------------------------------------------------
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    run(true);
  });
  window.addEventListener("popstate", function () {
    formFromParams(new URLSearchParams(location.search));
    run(false);
  });
  document.addEventListener("keydown", function (ev) {
    const t = ev.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
    if (ev.key === "Escape" && typing) { t.blur(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "/") { ev.preventDefault(); qBox.focus(); qBox.select(); }
    else if (ev.key === "j") { ev.preventDefault(); select(selected + 1); }
    else if (ev.key === "k") { ev.preventDefault(); select(selected - 1); }
    else if ((ev.key === "o" || ev.key === "Enter") && selected >= 0) {
      const href = hitEls[selected].dataset.href;
      if (href) location.href = href;
    }
  });
  formFromParams(new URLSearchParams(location.search));
  run(false);
})();
