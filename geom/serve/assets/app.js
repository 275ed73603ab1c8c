// geom serve: the page. It draws what the server's plan returns (GET /api/state) and
// sends edits (POST /api/edit); it decides no rule itself. Model units: mm, origin at the
// panel's lower-left corner, Y up; the SVG's y is the panel's height less the model's y.
"use strict";

const TOKEN = document.querySelector('meta[name="geom-token"]').content;
const $ = (id) => document.getElementById(id);
const S = {
  state: null, // the last state the server sent
  version: null, // the file's version it was read from
  selected: null, // the selected entry ("place[3]")
  view: null, // viewBox [x, y, w, h] in SVG units (mm)
  lib: [],
  pending: 0, // edits in flight
  drag: null,
};
// For scripts and tests: the last edit's round trip and every one measured.
window.geom = { S, timings: [], last: null, toScreen, toModel, fitView, ready: false };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v) => (Math.round(v * 1000) / 1000).toString();
const H = () => S.state.view.height;
const pitch = () => Math.max(Number($("pitch").value) || 1, 0.01);
const round6 = (v) => Math.round(v * 1e6) / 1e6;
const snap = (v) => ($("snap").checked ? round6(Math.round(v / pitch()) * pitch()) : round6(v));
const POLL_MS = 200; // how often the page asks whether FILE changed
const ALIGN_PX = 8; // how near (screen pixels) a centre line pulls a dragged part onto it

// The point (x, y) mm snapped: onto another opening's centre line when the pointer is
// within ALIGN_PX of it, else onto the grid. Returns [x, y, the lines it sits on].
function place(x, y, skip) {
  const tol = (ALIGN_PX * S.view[2]) / $("view").clientWidth;
  const st = S.state;
  const centres = [...st.places.filter((p) => p.entry !== skip), ...st.holes, ...st.slots];
  let bx = null, by = null;
  for (const o of centres) {
    if (Math.abs(o.vx - x) < tol && (bx === null || Math.abs(o.vx - x) < Math.abs(bx - x))) bx = o.vx;
    if (Math.abs(o.vy - y) < tol && (by === null || Math.abs(o.vy - y) < Math.abs(by - y))) by = o.vy;
  }
  return [bx ?? snap(x), by ?? snap(y), [bx, by]];
}

function guides(lines) {
  const svg = $("view");
  let g = document.getElementById("guides");
  if (!g) {
    g = document.createElementNS("http://www.w3.org/2000/svg", "g");
    g.id = "guides";
    svg.appendChild(g);
  }
  const [gx, gy] = lines || [null, null];
  const { width, height } = S.state.view;
  let out = "";
  if (gx !== null) out += `<line class="guide" vector-effect="non-scaling-stroke" x1="${gx}" y1="0" x2="${gx}" y2="${height}"/>`;
  if (gy !== null) out += `<line class="guide" vector-effect="non-scaling-stroke" x1="0" y1="${height - gy}" x2="${width}" y2="${height - gy}"/>`;
  g.innerHTML = out;
}

// --- the server ------------------------------------------------------------------------

async function loadState() {
  const r = await fetch("/api/state", { cache: "no-store" });
  apply(await r.json());
}

async function edit(request) {
  const t0 = performance.now();
  S.pending += 1;
  let ok = false;
  let answered = null; // ms until the server's answer is read
  try {
    const r = await fetch("/api/edit", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Geom-Token": TOKEN },
      body: JSON.stringify({ ...request, base: S.version }),
    });
    const body = await r.json();
    answered = performance.now() - t0;
    ok = r.ok;
    if (ok) {
      if (request.select !== undefined) S.selected = request.select(body);
      apply(body);
      showError(null);
    } else {
      showError(body.error);
      if (body.state) apply(body.state);
      else render();
    }
  } catch (e) {
    showError(`geom: the server is not answering (${e})`);
  } finally {
    S.pending -= 1;
  }
  const ms = performance.now() - t0;
  const codes = S.state && S.state.violations ? S.state.violations.map((v) => v.rule) : [];
  // ms: the edit sent, the plan's verdict back and drawn; answered: the server's part.
  const record = { op: request.op, ok, ms, answered, violations: codes, painted: null };
  window.geom.last = record;
  window.geom.timings.push(record);
  $("timing").textContent = `${request.op}: ${ms.toFixed(0)} ms to the verdict`;
  requestAnimationFrame(() => { record.painted = performance.now() - t0; });
  return ok;
}

async function poll() {
  if (!S.pending) {
    try {
      const r = await fetch("/api/version", { cache: "no-store" });
      const v = await r.json();
      if (v.version !== S.version && !S.pending) await loadState();
    } catch (e) {
      showError(`geom: the server is not answering (${e})`);
    }
  }
  setTimeout(poll, POLL_MS);
}

function showError(text) {
  $("error").hidden = !text;
  $("error").textContent = text || "";
}

// --- drawing ---------------------------------------------------------------------------

function pathOf(contour) {
  const h = H();
  let d = `M${contour[0][0]} ${h - contour[0][1]}`;
  for (let i = 0; i < contour.length; i++) {
    const [x1, y1, b] = contour[i];
    const [x2, y2] = contour[(i + 1) % contour.length];
    if (Math.abs(b) < 1e-12) {
      d += `L${x2} ${h - y2}`;
    } else {
      const angle = 4 * Math.atan(Math.abs(b));
      const r = Math.hypot(x2 - x1, y2 - y1) / 2 / Math.sin(angle / 2);
      // Counter-clockwise in the model (b > 0) is clockwise on the y-down SVG.
      d += `A${r} ${r} 0 ${angle > Math.PI ? 1 : 0} ${b > 0 ? 0 : 1} ${x2} ${h - y2}`;
    }
  }
  return d + "Z";
}

function apply(state) {
  const first = !S.state || !S.state.panel;
  if (state.error) {
    showError(state.error);
    S.version = state.version;
    if (!S.state) S.state = state;
    S.state.version = state.version;
    return;
  }
  S.state = state;
  S.version = state.version;
  if (!S.pending) showError(null);
  if (first || !S.view) fitView();
  if (S.selected && !state.places.some((p) => p.entry === S.selected)) S.selected = null;
  render();
  // When this version was drawn, in ms since the epoch (for tests and scripts).
  window.geom.drawn = { version: state.version, at: performance.timeOrigin + performance.now() };
}

function badEntries() {
  const bad = new Set();
  for (const v of S.state.violations) for (const e of v.entries) bad.add(e.split(".")[0]);
  return bad;
}

function render() {
  const st = S.state;
  if (!st || !st.panel) return;
  const svg = $("view");
  const h = st.view.height;
  const bad = badEntries();
  const out = [];
  out.push(`<path class="outline" vector-effect="non-scaling-stroke" d="${pathOf(st.outline)}"/>`);
  for (const f of st.faces) {
    out.push(`<path class="face" data-face="${esc(f.name)}" vector-effect="non-scaling-stroke" d="${pathOf(f.region)}"/>`);
  }
  for (const b of st.bends) {
    const [x0, y0, x1, y1] = b.zone;
    const [[ax, ay], [bx, by]] = b.line;
    out.push(
      `<g class="bend ${esc(b.direction)}" data-edge="${esc(b.edge)}">` +
        `<rect class="bendzone" vector-effect="non-scaling-stroke" x="${x0}" y="${h - y1}" width="${x1 - x0}" height="${y1 - y0}"/>` +
        `<line class="bendline" vector-effect="non-scaling-stroke" x1="${ax}" y1="${h - ay}" x2="${bx}" y2="${h - by}"/>` +
        `<text class="bendtext" x="${(ax + bx) / 2}" y="${h - (ay + by) / 2}">${esc(`${b.direction} ${b.angle}°`)}</text></g>`,
    );
  }
  out.push(gridPath(st.view.width, h));
  out.push(rulers(st.view.width, h));
  for (const p of st.places) {
    const [x0, y0, x1, y1] = p.flange;
    const cls = ["place", p.entry === S.selected ? "sel" : "", bad.has(p.entry) ? "bad" : ""];
    out.push(`<g class="${cls.join(" ")}" data-entry="${esc(p.entry)}">`);
    out.push(
      `<rect class="flange" vector-effect="non-scaling-stroke" x="${x0}" y="${h - y1}" ` +
        `width="${x1 - x0}" height="${y1 - y0}"/>`,
    );
    out.push(`<path class="cut" vector-effect="non-scaling-stroke" d="${pathOf(p.cutout)}"/>`);
    for (const c of p.holes) {
      out.push(`<path class="cut" vector-effect="non-scaling-stroke" d="${pathOf(c)}"/>`);
    }
    const text = p.label || p.part;
    out.push(`<text class="label" x="${p.vx}" y="${h - y1 - 1}">${esc(text)}</text>`);
    out.push("</g>");
  }
  for (const o of [...st.holes, ...st.slots]) {
    const cls = bad.has(o.entry) ? "cut bad" : "cut";
    out.push(
      `<path class="${cls}" data-entry="${esc(o.entry)}" vector-effect="non-scaling-stroke" ` +
        `d="${pathOf(o.contour)}"/>`,
    );
  }
  for (const t of st.texts || []) {
    // Engraved strokes as lines, printed outlines filled: the letters the DXF holds.
    const close = t.process === "print" ? "Z" : "";
    const d = t.paths.map((p) => `M${p.map(([x, y]) => `${x} ${h - y}`).join("L")}${close}`);
    const cls = ["lettering", t.process, bad.has(t.entry) ? "bad" : ""].join(" ");
    out.push(`<path class="${cls}" vector-effect="non-scaling-stroke" d="${d.join("")}"/>`);
  }
  const written = new Set(); // one figure per place on the view; the list has them all
  for (const v of st.violations) out.push(markOf(v, h, written));
  svg.innerHTML = out.join("");
  svg.style.fontSize = `${Math.max(st.view.width, h) / 100}px`;
  setView();
  renderVerdict();
  renderSide();
}

function gridPath(w, h) {
  let step = pitch();
  while ((w + h) / step > 800) step *= 2; // drawn coarser when dense; snapping keeps the pitch
  let d = "";
  for (let x = step; x < w; x += step) d += `M${x} 0V${h}`;
  for (let y = step; y < h; y += step) d += `M0 ${h - y}H${w}`;
  return `<path class="gridline" vector-effect="non-scaling-stroke" d="${d}"/>`;
}

function rulers(w, h) {
  // Figures in mm along the bottom and left edges, every 10, 20, 50, 100 ... mm.
  const nice = [10, 20, 50, 100, 200, 500, 1000];
  const major = nice.find((m) => Math.max(w, h) / m <= 20) || 1000;
  let out = '<g class="ruler">';
  for (let x = 0; x <= w + 1e-9; x += major) out += `<text x="${x}" y="${h}" dy="1.2em">${x}</text>`;
  for (let y = major; y <= h + 1e-9; y += major) {
    out += `<text x="0" dx="-0.4em" y="${h - y}" dy="0.35em" text-anchor="end">${y}</text>`;
  }
  return out + "</g>";
}

function markOf(v, h, written) {
  const pts = v.view_mm;
  const figure = Object.entries(v.figures || {}).find(([, x]) => typeof x === "number");
  const key = JSON.stringify(pts.slice(0, 2));
  const text = written.has(key) ? "" : `${v.rule}${figure ? ` ${figure[0] === v.rule ? "" : `${figure[0]} `}${fmt(figure[1])}` : ""}`;
  written.add(key);
  let out = `<g class="violation" data-rule="${esc(v.rule)}">`;
  if (pts.length >= 2) {
    const [[ax, ay], [bx, by]] = pts;
    out += `<line class="mark" vector-effect="non-scaling-stroke" x1="${ax}" y1="${h - ay}" x2="${bx}" y2="${h - by}"/>`;
    out += `<text class="mark-text" x="${(ax + bx) / 2}" y="${h - (ay + by) / 2}">${esc(text)}</text>`;
  } else if (pts.length === 1) {
    const [x, y] = pts[0];
    out += `<circle class="mark" vector-effect="non-scaling-stroke" cx="${x}" cy="${h - y}" r="3"/>`;
    out += `<text class="mark-text" x="${x + 4}" y="${h - y}">${esc(text)}</text>`;
  }
  return out + "</g>";
}

function renderVerdict() {
  const st = S.state;
  const pill = $("verdict");
  pill.className = `pill ${st.ok ? "ok" : "bad"}`;
  pill.textContent = st.ok ? "layout ok" : `${st.violations.length} violations`;
  $("violations").innerHTML = st.violations
    .map(
      (v, i) =>
        `<li data-i="${i}"><code>${esc(v.rule)}</code> ${esc(v.message)}` +
        ` <small>[${v.entries.map(esc).join(", ")}]</small></li>`,
    )
    .join("");
  $("undo").disabled = !st.undo;
  $("redo").disabled = !st.redo;
}

function selectedPlace() {
  return S.state && S.state.places ? S.state.places.find((p) => p.entry === S.selected) : null;
}

function renderSide() {
  const p = selectedPlace();
  $("props").hidden = !p;
  if (!p) return;
  const on = p.face === "base" ? "" : ` on the ${p.face} flange, x y in its frame`;
  $("sel-entry").textContent = `${p.entry}${p.label ? ` (${p.label})` : ""}${on}`;
  const fields = { part: p.part, x: fmt(p.x), y: fmt(p.y), rotation: p.rotation, label: p.label };
  for (const [k, v] of Object.entries(fields)) {
    const input = $(`f-${k}`);
    if (document.activeElement !== input) input.value = v;
    input.disabled = !p.editable;
  }
  for (const id of ["apply", "rotate", "duplicate", "delete"]) $(id).disabled = !p.editable;
  $("readonly").hidden = p.editable;
  const fit = S.state.fits[p.part];
  const band = (b) => (b ? `${fmt(b.min)} .. ${fmt(b.max)}` : "-");
  const rows = [
    ["fit", fit.ok ? "holds" : "FAILS"],
    ["part", `${esc(fit.part)} ${esc(fit.name)}`],
    ["sheet", `${band(fit.sheet_mm)} mm`],
    ["coating", `${band(fit.coating_mm)} mm per face${fit.masked ? ", masked" : ""}`],
    ["finished plate", `${band(fit.finished_plate_mm)} mm (grip ${band(fit.grip_mm)})`],
    ["clearance", `${band(fit.clearance_mm)} mm`],
  ];
  const checks = fit.checks.map(
    (c) => [`${c.ok ? "ok" : "FAIL"} ${esc(c.name)}`, esc(c.message)],
  );
  const ways = (fit.ways_out || []).map((w) => ["way out", esc(w.text)]);
  $("fit").innerHTML =
    `<h2>fit report</h2><table>${[...rows, ...checks, ...ways]
      .map(([a, b]) => `<tr><td>${a}</td><td>${b}</td></tr>`)
      .join("")}</table>`;
}

// --- the view: zoom, pan, coordinates ---------------------------------------------------

function fitView() {
  const { width, height } = S.state.view;
  const m = Math.max(width, height) * 0.05;
  S.view = [-m, -m, width + 2 * m, height + 2 * m];
  setView();
}

function setView() {
  if (S.view) $("view").setAttribute("viewBox", S.view.join(" "));
}

function svgPoint(clientX, clientY) {
  const svg = $("view");
  const pt = svg.createSVGPoint();
  pt.x = clientX;
  pt.y = clientY;
  return pt.matrixTransform(svg.getScreenCTM().inverse());
}

function toModel(clientX, clientY) {
  const p = svgPoint(clientX, clientY);
  return [p.x, H() - p.y];
}

function toScreen(x, y) {
  const svg = $("view");
  const pt = svg.createSVGPoint();
  pt.x = x;
  pt.y = H() - y;
  const s = pt.matrixTransform(svg.getScreenCTM());
  return [s.x, s.y];
}

$("view").addEventListener(
  "wheel",
  (e) => {
    e.preventDefault();
    const p = svgPoint(e.clientX, e.clientY);
    const k = Math.exp(e.deltaY * 0.001);
    const [x, y, w, h] = S.view;
    S.view = [p.x - (p.x - x) * k, p.y - (p.y - y) * k, w * k, h * k];
    setView();
  },
  { passive: false },
);

// --- pointer: select, drag a part, drag from the palette, pan ----------------------------

$("view").addEventListener("pointerdown", (e) => {
  if (!S.state || !S.state.panel) return;
  const g = e.target.closest(".place");
  const start = svgPoint(e.clientX, e.clientY);
  if (g) {
    S.selected = g.dataset.entry;
    render();
    const p = selectedPlace();
    if (p && p.editable) S.drag = { kind: "move", place: p, start, moved: false };
  } else {
    S.drag = { kind: "pan", start: [e.clientX, e.clientY], view: [...S.view], moved: false };
  }
  e.preventDefault();
});

document.addEventListener("pointermove", (e) => {
  const d = S.drag;
  if (S.state && S.state.panel && e.target.closest && e.target.closest("#view")) {
    const [x, y] = toModel(e.clientX, e.clientY);
    $("cursor").textContent = `x ${fmt(snap(x))}  y ${fmt(snap(y))} mm`;
  }
  if (!d) return;
  if (d.kind === "pan") {
    const svg = $("view");
    const scale = S.view[2] / svg.clientWidth;
    S.view = [
      d.view[0] - (e.clientX - d.start[0]) * scale,
      d.view[1] - (e.clientY - d.start[1]) * scale,
      d.view[2],
      d.view[3],
    ];
    d.moved = true;
    setView();
  } else if (d.kind === "move") {
    const p = svgPoint(e.clientX, e.clientY);
    const [x, y, lines] = place(
      d.place.vx + (p.x - d.start.x), d.place.vy - (p.y - d.start.y), d.place.entry,
    );
    guides(lines);
    d.to = [x, y];
    d.moved = d.moved || x !== d.place.vx || y !== d.place.vy;
    const g = document.querySelector(`.place[data-entry="${CSS.escape(d.place.entry)}"]`);
    if (g) g.setAttribute("transform", `translate(${x - d.place.vx} ${d.place.vy - y})`);
  } else if (d.kind === "add") {
    ghostAt(e);
  }
});

document.addEventListener("pointerup", (e) => {
  const d = S.drag;
  S.drag = null;
  if (!d) return;
  if (S.state && S.state.panel) guides(null);
  if (d.kind === "pan" && !d.moved) {
    S.selected = null;
    render();
  } else if (d.kind === "move" && d.moved) {
    edit({ op: "move", entry: d.place.entry, x: d.to[0], y: d.to[1], frame: "view" });
  } else if (d.kind === "add") {
    const ghost = document.getElementById("ghost");
    if (ghost) ghost.remove();
    const r = $("view").getBoundingClientRect();
    const inside =
      e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
    if (inside) {
      const [x, y] = place(...toModel(e.clientX, e.clientY), null);
      const before = placeCount();
      edit({ op: "add", part: d.part, x, y, frame: "view", select: () => `place[${before}]` });
    }
  }
});

function placeCount() {
  return S.state.places.filter((p) => /^place\[\d+\]$/.test(p.entry)).length;
}

function ghostAt(e) {
  const svg = $("view");
  let ghost = document.getElementById("ghost");
  const r = svg.getBoundingClientRect();
  const inside =
    e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
  if (!inside) {
    if (ghost) ghost.remove();
    return;
  }
  if (!ghost) {
    ghost = document.createElementNS("http://www.w3.org/2000/svg", "circle");
    ghost.id = "ghost";
    ghost.setAttribute("class", "ghost");
    ghost.setAttribute("r", "4");
    svg.appendChild(ghost);
  }
  const [x, y, lines] = place(...toModel(e.clientX, e.clientY), null);
  guides(lines);
  ghost.setAttribute("cx", x);
  ghost.setAttribute("cy", H() - y);
}

// --- the palette ----------------------------------------------------------------------

async function loadLibrary() {
  const r = await fetch("/api/library", { cache: "no-store" });
  S.lib = (await r.json()).parts;
  renderLibrary();
}

function renderLibrary() {
  const words = $("search").value.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = S.lib.filter((p) => {
    const text = `${p.id} ${p.name} ${p.family} ${p.kind}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  $("parts").innerHTML = shown
    .map(
      (p) =>
        `<li data-part="${esc(p.id)}" title="${esc(p.source)}">${esc(p.id)}` +
        `<small>${esc(p.name)} · ${esc(p.family)}</small></li>`,
    )
    .join("");
}

$("search").addEventListener("input", renderLibrary);
$("parts").addEventListener("pointerdown", (e) => {
  const li = e.target.closest("li");
  if (!li) return;
  S.drag = { kind: "add", part: li.dataset.part };
  e.preventDefault();
});

// --- the side panel, the buttons and the keys -----------------------------------------

function editSelected(op, extra = {}) {
  const p = selectedPlace();
  if (!p || !p.editable) return;
  edit({ op, entry: p.entry, ...extra });
}

function asNumber(text) {
  const v = Number(text);
  return text.trim() !== "" && Number.isFinite(v) ? v : text; // the reader says what is wrong
}

$("apply").addEventListener("click", () => {
  editSelected("set", {
    part: $("f-part").value,
    x: asNumber($("f-x").value),
    y: asNumber($("f-y").value),
    rotation: asNumber($("f-rotation").value),
    label: $("f-label").value,
  });
});
$("rotate").addEventListener("click", rotate);
$("duplicate").addEventListener("click", duplicate);
$("delete").addEventListener("click", () => editSelected("delete"));
$("undo").addEventListener("click", () => edit({ op: "undo" }));
$("redo").addEventListener("click", () => edit({ op: "redo" }));
$("fitview").addEventListener("click", fitView);
$("pitch").addEventListener("change", render);
$("violations").addEventListener("click", (e) => {
  const li = e.target.closest("li");
  if (!li) return;
  const v = S.state.violations[Number(li.dataset.i)];
  const entry = v.entries[0].split(".")[0];
  if (S.state.places.some((p) => p.entry === entry)) {
    S.selected = entry;
    render();
  }
});
$("exports").addEventListener("click", async (e) => {
  const a = e.target.closest("a.export");
  if (!a || (S.state && S.state.ok)) return; // the browser downloads it
  e.preventDefault();
  const r = await fetch(a.getAttribute("href"));
  if (!r.ok) showError((await r.json()).error);
});

function rotate() {
  const p = selectedPlace();
  if (p) editSelected("rotate", { rotation: (p.rotation + 90) % 360 });
}

function duplicate() {
  const p = selectedPlace();
  if (!p) return;
  const w = p.flange[2] - p.flange[0];
  const before = placeCount();
  editSelected("duplicate", {
    x: snap(p.vx + w + pitch()), y: p.vy, frame: "view", select: () => `place[${before}]`,
  });
}

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input")) {
    if (e.key === "Enter" && e.target.closest("#props")) $("apply").click();
    return;
  }
  const ctrl = e.ctrlKey || e.metaKey;
  const p = selectedPlace();
  const step = (Number($("step").value) || 1) * (e.shiftKey ? 10 : 1);
  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  if (ctrl && e.key.toLowerCase() === "z") edit({ op: e.shiftKey ? "redo" : "undo" });
  else if (ctrl && e.key.toLowerCase() === "y") edit({ op: "redo" });
  else if (ctrl && e.key.toLowerCase() === "d") duplicate();
  else if (e.key in arrows && p) {
    const [dx, dy] = arrows[e.key];
    editSelected("move", { x: round6(p.vx + dx * step), y: round6(p.vy + dy * step), frame: "view" });
  } else if (e.key === "r" || e.key === "R") rotate();
  else if (e.key === "Delete" || e.key === "Backspace") editSelected("delete");
  else if (e.key === "Escape") {
    S.selected = null;
    render();
  } else if (e.key === "f") fitView();
  else return;
  e.preventDefault();
});

window.addEventListener("resize", setView);

Promise.all([loadState(), loadLibrary()]).then(() => {
  window.geom.ready = true;
  setTimeout(poll, POLL_MS);
});
