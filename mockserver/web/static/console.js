// The mock console: a live journal over server-sent events, and the
// control API's state (inbox, faults, sessions, accounts, reset) for one
// namespace. Every value from the mock is put in the page as text, never
// as markup.
"use strict";
const cfg = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const MAX_ENTRIES = 1000; // kept in the page; the mock keeps its own bounded journal

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

function qs(ns) { return "?namespace=" + encodeURIComponent(ns); }

async function control(method, path, body) {
  const opt = {method, headers: {Accept: "application/json"}};
  if (body !== undefined) {
    opt.headers["Content-Type"] = "application/json";
    opt.body = JSON.stringify(body);
  }
  const resp = await fetch(cfg.control + path, opt);
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.error || resp.status + " " + resp.statusText);
  return data;
}

// ---- namespaces ----
const namespaces = new Set([""]);
function addNamespace(name) {
  if (namespaces.has(name)) return;
  namespaces.add(name);
  for (const sel of [$("ns"), $("f-ns")]) sel.append(el("option", {value: name, text: name}));
}
async function loadNamespaces() {
  const d = await control("GET", "namespaces");
  for (const n of d.namespaces || []) addNamespace(n);
}
const currentNS = () => $("ns").value;

// ---- journal ----
const entries = []; // {entry, node}

function pretty(raw) {
  if (raw === null || raw === undefined) return "(none)";
  if (typeof raw === "string") return raw;
  try { return JSON.stringify(raw, null, 2); } catch (e) { return String(raw); }
}

function statusClass(s) {
  if (s === 0) return "s-closed";
  if (s >= 500) return "s-5xx";
  if (s >= 400) return "s-4xx";
  return "s-2xx";
}

function renderEntry(e) {
  const viol = (e.violations || []).length > 0;
  const time = new Date(e.time);
  const head = el("header", {},
    el("time", {dateTime: e.time, text: time.toLocaleTimeString([], {hour12: false}) + "." + String(time.getMilliseconds()).padStart(3, "0")}),
    el("span", {class: "ns", text: e.namespace === "" ? "(default)" : e.namespace}),
    el("span", {class: "op", text: e.operation}),
    el("span", {class: "status " + statusClass(e.status), text: e.status === 0 ? "closed" : String(e.status)}),
    el("span", {class: "carrier", "data-carrier": e.carrier || "", title: "how the session arrived (S2) and whether the mock knew it",
      text: "session: " + (e.carrier || "n/a") + (e.session ? " · " + e.session : "")}),
    e.origin ? el("span", {class: "origin", text: "from " + e.origin}) : null,
  );
  const node = el("article", {
    class: "entry" + (viol ? " has-violations" : "") + (e.hint ? " has-hint" : ""),
    "data-ns": e.namespace, "data-op": e.operation, "data-status": String(e.status),
    "data-carrier": e.carrier || "", "data-session": e.session || "", "data-seq": String(e.seq),
  }, head);
  if (e.hint) {
    node.append(el("div", {class: "hint", "data-code": e.hint.code},
      el("strong", {text: "Why no session arrived (" + e.hint.code + "): "}), el("span", {class: "hint-text", text: e.hint.message})));
  }
  if (viol) {
    const ul = el("ul", {class: "violations"});
    for (const v of e.violations) {
      ul.append(el("li", {},
        el("span", {class: "decision", "data-decision": v.decision, title: cfg.decisions[v.decision] || "", text: v.decision || "?"}),
        " ", el("code", {class: "pointer", text: v.pointer || "/"}), " ", el("span", {class: "message", text: v.message})));
    }
    node.append(ul);
  }
  node.append(el("details", {},
    el("summary", {text: "request and response (redacted)"}),
    el("h4", {text: "request"}), el("pre", {class: "req", text: pretty(e.request)}),
    el("h4", {text: "response"}), el("pre", {class: "resp", text: pretty(e.response)})));
  return node;
}

function matches(e) {
  const ns = $("f-ns").value, op = $("f-op").value;
  if (ns !== "*" && e.namespace !== ns) return false;
  if (op !== "" && e.operation !== op) return false;
  if ($("f-viol").checked && !(e.violations || []).length) return false;
  return true;
}

function applyFilters() {
  let shown = 0;
  for (const x of entries) {
    x.node.hidden = !matches(x.entry);
    if (!x.node.hidden) shown++;
  }
  $("journal-empty").hidden = shown > 0;
}

function addEntry(e) {
  addNamespace(e.namespace);
  const node = renderEntry(e);
  node.hidden = !matches(e);
  entries.push({entry: e, node});
  $("journal").prepend(node);
  while (entries.length > MAX_ENTRIES) entries.shift().node.remove();
  if (!node.hidden) $("journal-empty").hidden = true;
}

function dropNamespace(ns) {
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].entry.namespace === ns) { entries[i].node.remove(); entries.splice(i, 1); }
  }
  applyFilters();
}

function showNotice(n) {
  const box = el("div", {class: "notice", "data-kind": n.kind},
    el("strong", {text: n.kind.toUpperCase() + ": "}), el("span", {text: n.message}),
    el("button", {type: "button", text: "×", title: "dismiss", onclick: () => box.remove()}));
  $("notices").prepend(box);
  while ($("notices").children.length > 5) $("notices").lastChild.remove();
}

// ---- state panels ----
let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshState, 100);
}

async function refreshState() {
  const ns = currentNS();
  try {
    const [outbox, faults, sessions, accounts] = await Promise.all([
      control("GET", "outbox" + qs(ns)), control("GET", "faults" + qs(ns)),
      control("GET", "sessions" + qs(ns)), control("GET", "accounts" + qs(ns)),
    ]);
    renderOutbox(outbox.messages || []);
    renderFaults(faults.faults || []);
    renderRows($("sessions"), sessions.sessions || [], (s) => [s.id, s.uid, s.login, new Date(s.last_seen).toLocaleTimeString([], {hour12: false})]);
    renderRows($("accounts"), accounts.accounts || [], (a) => [a.uid, a.login, a.name + " " + a.surname, a.country]);
  } catch (err) {
    showNotice({kind: "console", message: "refreshing state: " + err.message});
  }
}

function renderOutbox(msgs) {
  const ul = $("outbox");
  ul.replaceChildren(...msgs.slice().reverse().map((m) => el("li", {class: "mail", "data-to": m.to},
    el("div", {}, el("strong", {text: "To: "}), el("span", {class: "to", text: m.to}),
      el("time", {dateTime: m.time, text: " " + new Date(m.time).toLocaleTimeString([], {hour12: false})})),
    el("div", {text: "Subject: reset your password"}),
    el("div", {}, el("span", {text: "Token: "}), el("code", {class: "token", text: m.token}),
      el("button", {type: "button", text: "copy", onclick: () => navigator.clipboard && navigator.clipboard.writeText(m.token)})))));
  $("outbox-empty").hidden = msgs.length > 0;
}

function describeFault(f) {
  const what = [];
  if (f.delay && f.delay !== "0s") what.push("delay " + f.delay);
  if (f.close) what.push("close the connection");
  if (f.status) what.push("HTTP " + f.status);
  if (f.variant) what.push("variant " + f.variant);
  return what.join(", ") + (f.count ? " · " + (f.remaining || f.count) + " call(s) left" : " · until cleared");
}

function renderFaults(list) {
  $("faults").replaceChildren(...list.map((f) => el("li", {class: "fault", "data-op": f.operation},
    el("strong", {text: f.operation}), " ", el("span", {text: describeFault(f)}), " ",
    el("button", {type: "button", class: "clear-fault", text: "clear", onclick: async () => {
      await control("DELETE", "faults" + qs(currentNS()) + "&operation=" + encodeURIComponent(f.operation));
      refreshState();
    }}))));
}

function renderRows(table, rows, cells) {
  table.tBodies[0].replaceChildren(...rows.map((r) => el("tr", {}, ...cells(r).map((c) => el("td", {text: String(c)})))));
}

// ---- faults form ----
function syncFaultForm() {
  const kind = $("fault-kind").value;
  $("fault-status-l").hidden = kind !== "status";
  $("fault-variant-l").hidden = kind !== "variant";
  $("fault-delay-l").hidden = kind !== "delay";
  const op = cfg.operations.find((o) => o.id === $("fault-op").value);
  $("fault-variant").replaceChildren(...((op && op.variants) || []).map((v) => el("option", {value: v, text: v})));
}

$("fault-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = {operation: $("fault-op").value, count: Number($("fault-count").value) || 0};
  switch ($("fault-kind").value) {
    case "status": f.status = Number($("fault-status").value); break;
    case "variant": f.variant = $("fault-variant").value; break;
    case "delay": f.delay = $("fault-delay").value; break;
    case "close": f.close = true; break;
  }
  $("fault-error").hidden = true;
  try {
    await control("POST", "faults" + qs(currentNS()), f);
  } catch (err) {
    $("fault-error").textContent = err.message;
    $("fault-error").hidden = false;
  }
  refreshState();
});
$("fault-op").addEventListener("change", syncFaultForm);
$("fault-kind").addEventListener("change", syncFaultForm);

// ---- reset ----
$("reset-ns").addEventListener("click", async () => {
  await control("POST", "reset" + qs(currentNS()));
  dropNamespace(currentNS());
  refreshState();
});
$("reset-all").addEventListener("click", async () => {
  await control("POST", "reset");
  entries.splice(0).forEach((x) => x.node.remove());
  applyFilters();
  refreshState();
});
$("clear-view").addEventListener("click", () => { entries.splice(0).forEach((x) => x.node.remove()); applyFilters(); });
$("ns").addEventListener("change", refreshState);
for (const id of ["f-ns", "f-op", "f-viol"]) $(id).addEventListener("change", applyFilters);

// ---- the live stream ----
function connect() {
  const es = new EventSource(cfg.events);
  const state = (s, text) => { $("stream").dataset.state = s; $("stream").textContent = text; };
  es.addEventListener("entry", (ev) => { addEntry(JSON.parse(ev.data)); refreshSoon(); });
  es.addEventListener("cleared", (ev) => { dropNamespace(JSON.parse(ev.data).namespace); refreshSoon(); });
  es.addEventListener("notice", (ev) => showNotice(JSON.parse(ev.data)));
  es.addEventListener("ready", () => state("live", "live"));
  es.onerror = () => {
    state("reconnecting", "reconnecting…");
    // EventSource reconnects by itself; the replayed backlog replaces the view.
    entries.splice(0).forEach((x) => x.node.remove());
  };
}

syncFaultForm();
loadNamespaces().then(refreshState).catch((err) => showNotice({kind: "console", message: err.message}));
connect();
