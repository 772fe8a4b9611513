/* Vigil dashboard: map, timeline, incident list and panel, ceasefires. Plain browser JavaScript over
   the /api endpoints; every library is vendored under /static/vendor, so it works offline. */
"use strict";

const FILTERS = ["since", "until", "country", "admin1", "perpetrator", "type", "grade", "q"];
const PAGE = 50;
const PALETTE = ["#d7263d", "#1b998b", "#2e86ab", "#f49d37", "#7b2cbf", "#3f88c5", "#c17817", "#5c946e"];
const OTHER_COLOUR = "#6c757d";
const GRADE_WHY = {
  confirmed: "three or more independent sources agree on the toll",
  fair: "two or more independent sources",
  weak: "a single independent source",
  contested: "independent sources name perpetrators that share no actor",
};
const CORRECTABLE = ["killed", "killed_low", "killed_high", "injured", "children_killed", "women_killed", "type",
  "perpetrator", "date", "location.name", "location.admin1", "location.lat", "location.lon"];

const $ = (sel) => document.querySelector(sel);
const form = $("#filters");
const state = { offset: 0, incident: null, ceasefires: [], colours: new Map(), index: null, fitNext: true };

// ---- small helpers -------------------------------------------------------------------------

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function filterParams({ dates = true } = {}) {
  const p = new URLSearchParams();
  for (const name of FILTERS) {
    if (!dates && (name === "since" || name === "until")) continue;
    const v = (form.elements[name].value || "").trim();
    if (v) p.set(name, v);
  }
  return p;
}

// GET path -> promise of its answer, shared by every caller until the view changes: the list and the
// timeline both want the same stats on first load, whichever asks second (and however late) reuses the
// first answer. Filters, paging to new URLs and any write start afresh (`forget`); a failure is not kept.
const answers = new Map();

function forget() { answers.clear(); }

function api(path, options) {
  if (options) return request(path, options).finally(forget);
  if (!answers.has(path)) {
    answers.set(path, request(path).catch((e) => { answers.delete(path); throw e; }));
  }
  return answers.get(path);
}

async function request(path, options = {}) {
  // a GET the page's head already started (window.vigilEarly) is taken over, once
  const early = !options.method && window.vigilEarly && window.vigilEarly[path];
  if (early) delete window.vigilEarly[path];
  const r = await (early || fetch(path, options));
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const detail = body && (body.message || (Array.isArray(body.detail)
      ? body.detail.map((d) => `${(d.loc || []).filter((x) => x !== "query" && x !== "body").join(".")}: ${d.msg}`).join("; ")
      : body.detail));
    const err = new Error(detail || `${r.status} ${r.statusText}`);
    err.status = r.status;
    throw err;
  }
  return body;
}

function status(msg, cls = "error") {
  const el = $("#summary");
  el.innerHTML = `<span class="${cls}">${esc(msg)}</span>`;
}

function figure(best, low, high) {
  if (best === null || best === undefined) return "?";
  return low !== high && low !== null && high !== null ? `${best} (${low}–${high})` : String(best);
}

function day(iso) { return iso ? Date.parse(iso + "T00:00:00Z") / 1000 : null; }
function isoDay(secs) { return new Date(secs * 1000).toISOString().slice(0, 10); }

// ---- URL <-> filters ------------------------------------------------------------------------

function readUrl() {
  const p = new URLSearchParams(location.search);
  for (const name of FILTERS) form.elements[name].value = p.get(name) || "";
  state.offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
  return p.get("incident");
}

function writeUrl() {
  const p = filterParams();
  if (state.offset) p.set("offset", state.offset);
  if (state.incident) p.set("incident", state.incident);
  const qs = p.toString();
  history.replaceState(null, "", qs ? `?${qs}` : location.pathname);
  for (const fmt of ["csv", "geojson"]) {
    const d = filterParams();
    d.set("format", fmt);
    $(`#${fmt}`).href = `/api/incidents?${d}`;
  }
}

// ---- map ------------------------------------------------------------------------------------

const map = L.map("map", { minZoom: 2, maxZoom: 14, worldCopyJump: false, zoomSnap: 0.5 }).setView([30, 42], 4);
map.attributionControl.setPrefix("Leaflet");
map.attributionControl.addAttribution("Boundaries: Natural Earth (public domain); Who's On First (CC0)");
map.createPane("areas").style.zIndex = 420;
const admin2Layer = L.layerGroup();
const markers = L.layerGroup().addTo(map);
const areasLayer = L.layerGroup().addTo(map);
const focusLayer = L.layerGroup().addTo(map);

const geo = (name) => api(`/static/geo/${name}.geojson`);

async function loadBasemap() {
  // land under everything; OpenStreetMap tiles (zoom 0-6, shown to zoom 7) from the package's MBTiles
  // file when it is installed; governorate and district lines above them
  map.createPane("land").style.zIndex = 150;
  map.createPane("outlines").style.zIndex = 250;
  const [tiles, world, a1] = await Promise.all([api("/tiles/info.json"), geo("world"), geo("syr_admin1")]);
  if (tiles.available) {
    L.tileLayer("/tiles/{z}/{x}/{y}.png", { minZoom: tiles.minzoom, maxNativeZoom: tiles.maxzoom,
      maxZoom: tiles.maxzoom + 1, attribution: esc(tiles.attribution), opacity: 0.8 }).addTo(map);
  }
  L.geoJSON(world, { pane: "land", interactive: false, style: { color: "#98a4ad", weight: 0.7, fillColor: "#f3f0e8", fillOpacity: 1 } }).addTo(map);
  L.geoJSON(a1, { pane: "outlines", interactive: false, style: { color: "#8c969e", weight: 0.8, fill: false } }).addTo(map);
  let districts = null; // loaded the first time the map is zoomed in far enough to show them
  const toggle = async () => {
    if (map.getZoom() < 7) { admin2Layer.remove(); return; }
    if (!districts) {
      districts = geo("syr_admin2").then((a2) => admin2Layer.addLayer(L.geoJSON(a2, { pane: "outlines", interactive: false, style: { color: "#b3bbc1", weight: 0.5, dashArray: "2 3", fill: false } })));
    }
    await districts;
    if (map.getZoom() >= 7) admin2Layer.addTo(map);
  };
  map.on("zoomend", toggle);
  await toggle();
}

function colourOf(perp) { return state.colours.get(perp || "") || OTHER_COLOUR; }

function validPoint(lat, lon) {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

async function loadPoints() {
  const data = await api(`/api/points?${filterParams()}`);
  const features = [];
  const counts = new Map();
  let bad = 0;
  for (const [id, lat, lon, killed, perp, date] of data.points) {
    if (!validPoint(lat, lon)) { bad += 1; continue; } // one bad coordinate must not blank the map
    features.push({ type: "Feature", properties: { id, killed: killed || 0, perp, date }, geometry: { type: "Point", coordinates: [lon, lat] } });
    counts.set(perp || "", (counts.get(perp || "") || 0) + 1);
  }
  const ranked = [...counts.entries()].filter(([p]) => p).sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length);
  state.colours = new Map(ranked.map(([p], i) => [p, PALETTE[i]]));
  $("#legend").innerHTML = ranked.map(([p]) => `<div><i style="background:${colourOf(p)}"></i>${esc(p)}</div>`).join("")
    + `<div><i style="background:${OTHER_COLOUR}"></i>other or unknown</div><div class="hint">size: killed; clusters: total killed</div>`;
  state.index = new Supercluster({ radius: 48, maxZoom: 13, map: (p) => ({ killed: p.killed }), reduce: (a, b) => { a.killed += b.killed; } });
  state.index.load(features);
  const unplaced = data.not_on_map + bad;
  $("#unplaced-n").textContent = unplaced;
  $("#unplaced-list").innerHTML = data.unplaced.map(([id, name, killed, date]) =>
    `<li><a href="#" data-incident="${esc(id)}">${esc(name || id)}</a> ${esc(date || "")} · ${killed ?? "?"} killed</li>`).join("")
    + (unplaced > data.unplaced.length ? `<li>…</li>` : "");
  const fit = state.fitNext && features.length;
  state.fitNext = false;
  if (fit) {
    let [south, west, north, east] = [90, 180, -90, -180];
    for (const f of features) {
      const [lon, lat] = f.geometry.coordinates;
      south = Math.min(south, lat); north = Math.max(north, lat); west = Math.min(west, lon); east = Math.max(east, lon);
    }
    const before = map.getBounds();
    map.fitBounds([[south, west], [north, east]], { padding: [30, 30], maxZoom: 9, animate: false });
    if (!map.getBounds().equals(before)) return; // the move drew the markers (moveend)
  }
  renderMarkers();
}

function renderMarkers() {
  if (!state.index) return;
  const b = map.getBounds();
  const bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
  const clusters = state.index.getClusters(bbox, Math.round(map.getZoom()));
  markers.clearLayers();
  for (const c of clusters) {
    const [lon, lat] = c.geometry.coordinates;
    const p = c.properties;
    if (p.cluster) {
      const size = Math.round(26 + Math.min(30, Math.sqrt(p.killed) * 2.2));
      const m = L.marker([lat, lon], {
        title: `${p.point_count} incidents, ${p.killed} killed`,
        icon: L.divIcon({ className: "cluster", html: `<span>${p.killed}</span>`, iconSize: [size, size] }),
      });
      m.on("click", () => map.setView([lat, lon], Math.min(14, state.index.getClusterExpansionZoom(p.cluster_id))));
      markers.addLayer(m);
    } else {
      const m = L.circleMarker([lat, lon], {
        radius: 4 + Math.min(18, Math.sqrt(p.killed) * 2), color: "#30363b", weight: 1, fillColor: colourOf(p.perp),
        fillOpacity: 0.85, className: `incident-marker marker-${p.id}`,
      });
      m.bindTooltip(`${esc(p.date || "?")} · ${p.killed} killed · ${esc(p.perp || "perpetrator unknown")}`);
      m.on("click", () => showIncident(p.id));
      markers.addLayer(m);
    }
  }
}
map.on("moveend", renderMarkers);

// ---- timeline -------------------------------------------------------------------------------

let chart = null;

function ceasefirePeriods(lastX) {
  return state.ceasefires.map((c) => {
    const from = day(c.effective_from || c.announced_on);
    const until = c.effective_until ? day(c.effective_until) + 86400 : lastX;
    return from ? [from, Math.max(from + 86400, until)] : null;
  }).filter(Boolean);
}

function shade(u) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const xs = u.data[0];
  const lastX = xs.length ? xs[xs.length - 1] + 86400 : 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.fillStyle = "rgba(47, 111, 176, 0.13)";
  for (const [a, b] of ceasefirePeriods(lastX)) {
    const x0 = u.valToPos(a, "x", true);
    const x1 = u.valToPos(b, "x", true);
    ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
  }
  const since = form.elements.since.value;
  const until = form.elements.until.value;
  if (since || until) {
    const a = since ? u.valToPos(day(since), "x", true) : left;
    const b = until ? u.valToPos(day(until) + 86400, "x", true) : left + width;
    ctx.strokeStyle = "#c0392b";
    ctx.lineWidth = 2;
    ctx.strokeRect(a, top + 1, Math.max(2, b - a), height - 2);
  }
  ctx.restore();
}

function onBrush(u) {
  if (u.select.width < 4) return;
  const a = u.posToVal(u.select.left, "x");
  const b = u.posToVal(u.select.left + u.select.width, "x");
  u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  form.elements.since.value = isoDay(a);
  form.elements.until.value = isoDay(b);
  apply();
}

async function loadTimeline() {
  const stats = await api(`/api/stats?${filterParams({ dates: false })}`);
  const rows = stats.by_day.filter((r) => r.key);
  const data = [rows.map((r) => day(r.key)), rows.map((r) => r.killed_low), rows.map((r) => r.killed_best), rows.map((r) => r.killed_high)];
  const box = $("#chart");
  const width = Math.max(300, box.clientWidth || 600);
  if (chart) chart.destroy();
  chart = new uPlot({
    width, height: 150,
    scales: { x: { time: true, range: (u, lo, hi) => {
      const pad = Math.max(86400 * 5, (hi - lo) * 0.02);
      return [lo - pad, hi + pad];
    } } },
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false } },
    series: [
      {},
      { label: "low", stroke: "rgba(176, 36, 43, 0.35)", width: 1, points: { show: false } },
      { label: "best", stroke: "#b0242b", width: 1.6, points: { show: true, size: 5, fill: "#b0242b" } },
      { label: "high", stroke: "rgba(176, 36, 43, 0.35)", width: 1, points: { show: false } },
    ],
    bands: [{ series: [3, 1], fill: "rgba(176, 36, 43, 0.16)" }],
    axes: [{}, { label: "killed", size: 46 }],
    hooks: { drawClear: [shade], setSelect: [onBrush] },
  }, data, box);
  const lists = { admin1s: stats.by_admin1, perpetrators: stats.by_perpetrator, countries: stats.by_country || [] };
  for (const [id, list] of Object.entries(lists)) {
    $(`#${id}`).innerHTML = list.filter((r) => r.key).map((r) => `<option value="${esc(r.key)}">`).join("");
  }
}

// ---- incident list --------------------------------------------------------------------------

async function loadList() {
  const p = filterParams();
  p.set("limit", PAGE);
  p.set("offset", state.offset);
  p.set("sort", "-date");
  const [page, stats] = await Promise.all([api(`/api/incidents?${p}`), api(`/api/stats?${filterParams()}`)]);
  const t = stats.total;
  $("#total").textContent = `(${page.total})`;
  $("#summary").textContent = `${page.total} incidents; killed ${figure(t.killed_best, t.killed_low, t.killed_high)}`;
  $("#incidents tbody").innerHTML = page.items.map((i) => {
    const loc = i.location || {};
    return `<tr data-incident="${esc(i.id)}" class="${i.id === state.incident ? "sel" : ""}"><td>${esc(i.date || "?")}</td>`
      + `<td>${esc(loc.name)}${loc.admin1 ? `, ${esc(loc.admin1)}` : ""}</td><td>${esc(i.type)}</td>`
      + `<td>${esc(i.perpetrator || "")}</td><td class="num">${figure(i.killed_best, i.killed_low, i.killed_high)}</td>`
      + `<td><span class="grade ${esc(i.grade)}">${esc(i.grade)}</span></td></tr>`;
  }).join("");
  const last = Math.min(page.total, state.offset + page.items.length);
  $("#page").textContent = page.total ? `${state.offset + 1}–${last} of ${page.total}` : "nothing matches";
  $("#prev").disabled = !page.prev;
  $("#next").disabled = !page.next;
}

// ---- incident panel -------------------------------------------------------------------------

function tab(name) {
  document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("on", t.id === `tab-${name}`));
}

function valueWithMachine(rec, field) {
  const path = field.split(".");
  const get = (o) => path.reduce((x, k) => (x == null ? x : x[k]), o);
  const v = get(rec);
  if (rec.machine && field in rec.machine) {
    return `<span class="corrected" title="corrected by an analyst">${esc(v ?? "none")}</span> <span class="machine">(machine: ${esc(rec.machine[field] ?? "none")})</span>`;
  }
  return esc(v ?? "–");
}

function highlighted(text, spans) {
  const sorted = [...spans].filter((s) => s && s[1] > s[0]).sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [a, b] of sorted) {
    if (a < at) continue;
    out += esc(text.slice(at, a)) + `<mark>${esc(text.slice(a, b))}</mark>`;
    at = b;
  }
  return out + esc(text.slice(at));
}

async function showIncident(id) {
  state.incident = id;
  writeUrl();
  tab("incident");
  const panel = $("#tab-incident");
  panel.innerHTML = `<p class="hint">loading…</p>`;
  let rec;
  try {
    rec = await api(`/api/incidents/${encodeURIComponent(id)}`);
  } catch (e) {
    panel.innerHTML = `<p class="error">${esc(e.message)}</p>`;
    return;
  }
  renderIncident(rec);
}

function renderIncident(rec) {
  state.record = rec;
  const panel = $("#tab-incident");
  const loc = rec.location || {};
  document.querySelectorAll("#incidents tr.sel").forEach((r) => r.classList.remove("sel"));
  document.querySelectorAll(`#incidents tr[data-incident="${CSS.escape(rec.id)}"]`).forEach((r) => r.classList.add("sel"));
  focusLayer.clearLayers();
  if (validPoint(loc.lat, loc.lon)) {
    L.circleMarker([loc.lat, loc.lon], { radius: 16, color: "#111", weight: 2, fill: false, interactive: false }).addTo(focusLayer);
    if (!map.getBounds().contains([loc.lat, loc.lon]) || map.getZoom() < 7) map.setView([loc.lat, loc.lon], Math.max(map.getZoom(), 8));
  }
  const perps = (rec.perpetrators || []).map((p) => `${esc(p.perpetrator)} (${p.sources} source${p.sources === 1 ? "" : "s"})`).join("; ");
  const cfs = (rec.ceasefires || []).map((c) => `<li><a href="#" data-ceasefire="${esc(c.id)}">${esc((c.declared_by || []).join(", "))}: ${esc(c.area)}</a>, from ${esc(c.effective_from || c.announced_on || "?")}${c.effective_until ? ` to ${esc(c.effective_until)}` : ""}</li>`).join("");
  const corrections = (rec.corrections || []).map((c) => `<li><b>${esc(c.field)}</b> = ${esc(JSON.stringify(c.value))} by ${esc(c.by)}, ${esc(c.at)}${c.note ? `: ${esc(c.note)}` : ""}</li>`).join("");
  const token = localStorage.getItem("vigil.token");
  panel.innerHTML = `
    <h3>${esc(loc.name)}${loc.admin1 ? `, ${esc(loc.admin1)}` : ""}${loc.country ? `, ${esc(loc.country)}` : ""}</h3>
    <p>${valueWithMachine(rec, "date")} (${esc(rec.date_precision || "day")}) · ${valueWithMachine(rec, "type")} · <code>${esc(rec.id)}</code>
      ${validPoint(loc.lat, loc.lon) ? "" : ` · <span class="hint">no coordinates</span>`}</p>
    <div class="figures">
      <span>killed</span><span>children</span><span>women</span><span>injured</span>
      <b class="killed">${valueWithMachine(rec, "killed")}</b><b>${valueWithMachine(rec, "children_killed")}</b>
      <b>${valueWithMachine(rec, "women_killed")}</b><b>${valueWithMachine(rec, "injured")}</b>
      <span class="machine">low ${esc(rec.killed_low ?? "–")} · high ${esc(rec.killed_high ?? "–")}</span>
    </div>
    <p>Grade: <span class="grade ${esc(rec.grade)}">${esc(rec.grade)}</span>: ${esc(GRADE_WHY[rec.grade] || "")}
      (${rec.reports} report${rec.reports === 1 ? "" : "s"}, ${rec.independent_sources} independent)</p>
    <p>Perpetrator: ${valueWithMachine(rec, "perpetrator")}${perps ? ` <span class="hint">named by: ${perps}</span>` : ""}</p>
    ${cfs ? `<p>May violate:</p><ul>${cfs}</ul>` : ""}
    ${corrections ? `<p>Corrections:</p><ul class="corrections">${corrections}</ul>` : ""}
    ${token ? correctionForm() : `<p class="hint">Set a token (top right) to correct a value.</p>`}
    <h4>Sources side by side</h4>
    <div class="sources">${(rec.sources || []).map((s, i) => `
      <div class="source" data-source="${i}">
        <h4>${esc((s.reported_by || []).join(", ") || s.url || s.doc_id)}</h4>
        <div>${esc(s.published || "")} · own toll: <b>${esc(s.killed ?? "?")}</b>${s.perpetrator ? ` · blames ${esc(s.perpetrator)}` : ""}${s.copy_of ? ` · <span class="hint">copy of ${esc(s.copy_of)}</span>` : ""}</div>
        <div class="report" id="report-${i}"><span class="hint">loading the report…</span></div>
      </div>`).join("")}</div>`;
  (rec.sources || []).forEach((s, i) => loadReport(s, i));
  const f = panel.querySelector("form.correct");
  if (f) f.addEventListener("submit", (ev) => { ev.preventDefault(); submitCorrection(rec, f); });
}

async function loadReport(source, i) {
  const box = document.getElementById(`report-${i}`);
  try {
    const report = await api(`/api/reports/${encodeURIComponent(source.doc_id)}`);
    if (!report.text) {
      box.innerHTML = (source.evidence || []).map((e) => `<mark>${esc(e)}</mark>`).join(" … ") + `<p class="hint">The report's full text was not stored.</p>`;
      return;
    }
    box.innerHTML = highlighted(report.text, source.evidence_spans || []);
    const first = box.querySelector("mark");
    if (first) box.scrollTop = Math.max(0, first.offsetTop - box.offsetTop - 40);
  } catch (e) {
    box.innerHTML = `<span class="error">${esc(e.message)}</span>`;
  }
}

function correctionForm() {
  return `<form class="correct"><b>Correct</b>
    <select name="field">${CORRECTABLE.map((f) => `<option>${f}</option>`).join("")}</select>
    <input name="value" size="10" placeholder="new value" required>
    <input name="note" size="16" placeholder="why (source)">
    <button type="submit">Save</button><span class="result"></span></form>`;
}

async function submitCorrection(rec, f) {
  const raw = f.elements.value.value.trim();
  let value = raw;
  try { value = JSON.parse(raw); } catch (e) { value = raw; }
  const out = f.querySelector(".result");
  try {
    const updated = await api(`/api/incidents/${encodeURIComponent(rec.id)}/corrections`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${localStorage.getItem("vigil.token") || ""}` },
      body: JSON.stringify({ field: f.elements.field.value, value, note: f.elements.note.value || null }),
    });
    const full = await api(`/api/incidents/${encodeURIComponent(updated.id)}`);
    renderIncident(full);
    const ok = document.createElement("p");
    ok.className = "ok saved";
    ok.textContent = `Saved: ${f.elements.field.value} corrected.`;
    $("#tab-incident").prepend(ok);
    refreshData();
  } catch (e) {
    out.className = "result error";
    out.textContent = e.status === 401 ? "Refused: the token is not valid (401)." : `Refused: ${e.message}`;
  }
}

// ---- ceasefires -----------------------------------------------------------------------------

async function loadCeasefires() {
  state.ceasefires = await api("/api/ceasefires");
  $("#ceasefires tbody").innerHTML = state.ceasefires.map((c) => `<tr data-ceasefire="${esc(c.id)}">
    <td>${esc((c.declared_by || []).join(", ") || "?")}</td><td>${esc(c.area || "?")}</td>
    <td>${esc(c.effective_from || c.announced_on || "?")} – ${esc(c.effective_until || "open")}</td>
    <td class="num">${c.violations}</td><td class="num">${figure(c.violations_killed, c.violations_killed_low, c.violations_killed_high)}</td></tr>`).join("");
}

async function loadAreas() {
  // every ceasefire's area in one request (features name their ceasefire)
  const areas = await api("/api/ceasefires/areas");
  areasLayer.clearLayers();
  if (areas.features.length) {
    L.geoJSON(areas, { pane: "areas", interactive: false, style: { color: "#2f6fb0", weight: 1.2, dashArray: "5 4", fill: false } }).addTo(areasLayer);
  }
}

async function showCeasefire(id) {
  tab("ceasefires");
  document.querySelectorAll("#ceasefires tr").forEach((r) => r.classList.toggle("sel", r.dataset.ceasefire === id));
  const box = $("#ceasefire");
  box.innerHTML = `<p class="hint">loading…</p>`;
  const [cf, area] = await Promise.all([api(`/api/ceasefires/${encodeURIComponent(id)}`), api(`/api/ceasefires/${encodeURIComponent(id)}/area`)]);
  focusLayer.clearLayers();
  let bounds = null;
  if (area.features.length) {
    const layer = L.geoJSON(area, { pane: "areas", interactive: false, style: { color: "#0b3d91", weight: 2.5, fillColor: "#2f6fb0", fillOpacity: 0.08 } }).addTo(focusLayer);
    bounds = layer.getBounds();
  }
  box.innerHTML = `<h3>${esc((cf.declared_by || []).join(", "))}: ${esc(cf.area || "?")}</h3>
    <p>announced ${esc(cf.announced_on || "?")}, in force ${esc(cf.effective_from || "?")} to ${esc(cf.effective_until || "open-ended")}
    ${area.features.length ? "" : `<br><span class="hint">No outline of this area ships with Vigil; its violations are listed below.</span>`}</p>
    <p class="hint">${(cf.evidence || []).map(esc).join(" … ")}</p>
    <p>${cf.violations} possible violation${cf.violations === 1 ? "" : "s"} (${cf.violations_by_declarers} by a declarer); killed ${figure(cf.violations_killed, cf.violations_killed_low, cf.violations_killed_high)}</p>
    <table><thead><tr><th>date</th><th>place</th><th>perpetrator</th><th>by declarer</th><th class="num">killed</th></tr></thead><tbody>
    ${cf.violation_list.map((v) => `<tr data-incident="${esc(v.incident_id)}"><td>${esc(v.date)}</td><td>${esc(v.place)}</td><td>${esc(v.perpetrator || "")}</td><td>${v.by_declarer ? "yes" : ""}</td><td class="num">${figure(v.killed, v.killed_low, v.killed_high)}</td></tr>`).join("")}
    </tbody></table>`;
  if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 9, animate: false });
}

// ---- wiring ---------------------------------------------------------------------------------

async function refreshData() {
  await Promise.all([loadPoints(), loadList(), loadTimeline()]);
}

async function apply() {
  forget();
  state.offset = 0;
  state.fitNext = true;
  writeUrl();
  try {
    await refreshData();
  } catch (e) {
    status(e.message);
  }
}

form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
form.addEventListener("change", (ev) => { if (ev.target.tagName === "SELECT" || ev.target.type === "date") apply(); });
$("#clear").addEventListener("click", () => { form.reset(); for (const n of FILTERS) form.elements[n].value = ""; apply(); });
$("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); writeUrl(); loadList().catch((e) => status(e.message)); });
$("#next").addEventListener("click", () => { state.offset += PAGE; writeUrl(); loadList().catch((e) => status(e.message)); });
document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => tab(b.dataset.tab)));
$("#unplaced-toggle").addEventListener("click", () => { $("#unplaced-list").hidden = !$("#unplaced-list").hidden; });
document.addEventListener("click", (ev) => {
  const inc = ev.target.closest("[data-incident]");
  const cf = ev.target.closest("[data-ceasefire]");
  if (inc) { ev.preventDefault(); showIncident(inc.dataset.incident); } else if (cf) { ev.preventDefault(); showCeasefire(cf.dataset.ceasefire).catch((e) => status(e.message)); }
});
const tokenInput = $("#token");
tokenInput.value = localStorage.getItem("vigil.token") || "";
tokenInput.addEventListener("change", () => {
  const v = tokenInput.value.trim();
  if (v === (localStorage.getItem("vigil.token") || "")) return;
  if (v) localStorage.setItem("vigil.token", v); else localStorage.removeItem("vigil.token");
  if (state.record && state.record.id === state.incident) renderIncident(state.record);
});
window.addEventListener("resize", () => { map.invalidateSize(); if (chart) chart.setSize({ width: Math.max(300, $("#chart").clientWidth), height: 150 }); });

(async function start() {
  const incident = readUrl();
  writeUrl();
  map.invalidateSize();
  try {
    // the timeline shades ceasefires, so it waits for their list; nothing waits for the boundaries
    await Promise.all([loadBasemap(), loadCeasefires().then(loadTimeline), loadAreas(), loadPoints(), loadList()]);
    if (incident) await showIncident(incident);
  } catch (e) {
    status(e.message);
  }
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "1";
})();
