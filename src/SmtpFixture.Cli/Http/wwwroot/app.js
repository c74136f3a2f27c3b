// The web inbox: plain DOM code, no framework, no build step. Every piece of mail data is put on the page with
// textContent (never innerHTML), and HTML bodies are shown only through /view/{id}.html in a sandboxed iframe.
"use strict";

const token = new URLSearchParams(location.search).get("access_token");
const $ = (id) => document.getElementById(id);
const state = { selected: null, fresh: new Set(), query: "", tab: "inbox" };

function url(path, params = {}) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.searchParams.set(k, v);
  if (token) u.searchParams.set("access_token", token);
  return u.toString();
}

async function api(path, options = {}, params = {}) {
  const response = await fetch(url(path, params), options);
  if (response.status === 401) {
    $("live-text").textContent = "this server needs its token: open the page as /?access_token=TOKEN";
    throw new Error("401: the --http-token is missing or wrong");
  }
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

const fmtAddress = (a) => (a ? (a.Name ? `${a.Name} <${a.Address}>` : a.Address) : "");
const fmtList = (list) => (list || []).map(fmtAddress).join(", ");
const fmtSize = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);

function fmtWhen(iso) {
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

// ---- message list ----------------------------------------------------------------------------------------------

async function loadMessages() {
  const data = state.query
    ? await api("/api/v1/search", {}, { query: state.query, limit: 500 })
    : await api("/api/v1/messages", {}, { limit: 500 });
  renderMessages(data);
}

function renderMessages(data) {
  const list = $("messages");
  list.replaceChildren();
  $("inbox-count").textContent = data.total;
  $("empty").classList.toggle("hidden", data.messages.length > 0);
  const template = $("message-item");
  for (const m of data.messages) {
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.id = m.ID;
    item.classList.toggle("unread", !m.Read);
    item.classList.toggle("selected", m.ID === state.selected);
    item.classList.toggle("fresh", state.fresh.has(m.ID));
    item.querySelector(".from").textContent = fmtAddress(m.From) || "(no sender)";
    item.querySelector(".when").textContent = fmtWhen(m.Created);
    item.querySelector(".when").dateTime = m.Created;
    item.querySelector(".subject").textContent = m.Subject || "(no subject)";
    item.querySelector(".to").textContent = "to " + (fmtList(m.To) || fmtList(m.Bcc));
    const chips = item.querySelector(".chips");
    if (m.Attachments) chips.append(el("span", "chip attach", m.Attachments === 1 ? "1 file" : `${m.Attachments} files`));
    for (const tag of m.Tags || []) chips.append(el("span", "chip", tag));
    chips.append(el("span", "chip", fmtSize(m.Size)));
    item.querySelector(".snippet").textContent = m.Snippet;
    item.addEventListener("click", () => openMessage(m.ID));
    item.addEventListener("keydown", (e) => { if (e.key === "Enter") openMessage(m.ID); });
    list.append(item);
  }
  state.fresh.clear();
}

// ---- message view ----------------------------------------------------------------------------------------------

async function openMessage(id) {
  state.selected = id;
  for (const item of document.querySelectorAll(".message")) {
    item.classList.toggle("selected", item.dataset.id === id);
    if (item.dataset.id === id) item.classList.remove("unread");
  }
  const detail = $("detail");
  let m;
  try {
    m = await api(`/api/v1/message/${encodeURIComponent(id)}`);
  } catch (e) {
    detail.replaceChildren(el("div", "placeholder", "This message is gone."));
    return;
  }

  const card = el("article", "card");
  card.id = "message-view";
  const head = el("div", "card-head");
  head.append(el("h1", null, m.Subject || "(no subject)"));
  const meta = el("dl", "meta");
  const row = (label, value) => { if (value) { meta.append(el("dt", null, label), el("dd", null, value)); } };
  row("From", fmtAddress(m.From));
  row("To", fmtList(m.To));
  row("Cc", fmtList(m.Cc));
  row("Bcc", fmtList(m.Bcc));
  row("Date", new Date(m.Date).toLocaleString());
  row("MAIL FROM", `<${m.Envelope.MailFrom}>`);
  row("RCPT TO", m.Envelope.Recipients.map((r) => `<${r}>`).join(", "));
  row("Client", `${m.Envelope.ClientName || ""} [${m.Envelope.Client}] ${m.Envelope.Secure ? "· TLS" : "· no TLS"} · session ${m.Envelope.Session}`);
  row("Auth", m.Username);
  row("Tags", (m.Tags || []).join(", "));
  row("Size", fmtSize(m.Size));
  head.append(meta);

  const actions = el("div", "actions");
  const download = el("a", "ghost", "Download .eml");
  download.href = url(`/api/v1/message/${encodeURIComponent(id)}/raw`, { dl: 1 });
  const remove = el("button", "ghost", "Delete");
  remove.addEventListener("click", async () => {
    await api("/api/v1/messages", { method: "DELETE", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ IDs: [id] }) });
    state.selected = null;
    detail.replaceChildren(el("div", "placeholder", "Select a message to read it."));
  });
  actions.append(download, remove);
  head.append(actions);
  card.append(head);

  const files = [...(m.Attachments || []), ...(m.Inline || [])];
  if (files.length) {
    const list = el("div", "attachments");
    for (const a of files) {
      const link = el("a", "attachment");
      link.href = url(`/api/v1/message/${encodeURIComponent(id)}/part/${encodeURIComponent(a.PartID)}`, { dl: 1 });
      link.download = a.FileName || `part-${a.PartID}`;
      const ext = (a.FileName.match(/\.([A-Za-z0-9]{1,4})$/) || [, "file"])[1];
      link.append(el("span", "file-icon", ext), el("span", null, a.FileName || a.ContentType), el("small", null, fmtSize(a.Size)));
      list.append(link);
    }
    card.append(list);
  }

  const views = [["HTML", m.HTML ? showHtml : null], ["Text", showText], ["Headers", showHeaders], ["Raw", showRaw]].filter(([, f]) => f);
  const tabs = el("div", "view-tabs");
  const body = el("div", "view-body");
  for (const [name, show] of views) {
    const button = el("button", null, name);
    button.dataset.view = name.toLowerCase();
    button.addEventListener("click", () => {
      for (const b of tabs.children) b.classList.toggle("active", b === button);
      show(m, body);
    });
    tabs.append(button);
  }
  card.append(tabs, body);

  detail.replaceChildren(card);
  tabs.firstElementChild.click();
}

function showHtml(m, body) {
  // Sandboxed with no permissions (no scripts, no same origin, no forms, no popups); the response's own CSP sandboxes
  // it again and blocks every fetch, so mail content can neither run nor call home.
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.title = "HTML body";
  frame.src = url(`/view/${encodeURIComponent(m.ID)}.html`);
  body.replaceChildren(frame);
}

function showText(m, body) {
  body.replaceChildren(el("pre", "text-body", m.Text || "(no text part)"));
}

async function showHeaders(m, body) {
  const headers = await api(`/api/v1/message/${encodeURIComponent(m.ID)}/headers`);
  const table = el("table", "headers");
  for (const [name, values] of Object.entries(headers)) {
    for (const value of values) {
      const tr = el("tr");
      tr.append(el("td", null, name), el("td", null, value));
      table.append(tr);
    }
  }
  body.replaceChildren(table);
}

async function showRaw(m, body) {
  body.replaceChildren(el("pre", "raw", await api(`/api/v1/message/${encodeURIComponent(m.ID)}/raw`)));
}

// ---- attempts timeline -----------------------------------------------------------------------------------------

async function loadAttempts() {
  const attempts = await api("/api/v1/attempts");
  // An attempt counts as refused from its first 4xx/5xx reply; its outcome is final only when the client moves on.
  const refused = attempts.filter((a) => a.outcome === "refused" || a.outcome === "aborted" || a.exchanges.some((x) => x.code >= 400));
  $("refused-count").textContent = refused.length;
  $("refused-count").classList.toggle("zero", refused.length === 0);
  if (state.tab !== "attempts") return;
  const shown = $("only-refused").checked ? refused : attempts;
  const timeline = $("timeline");
  timeline.replaceChildren();
  if (!shown.length) timeline.append(el("li", "empty", "No attempts yet."));
  for (const a of [...shown].reverse()) {
    const item = el("li", `attempt ${a.outcome}`);
    const details = el("details");
    details.open = a.outcome !== "accepted";
    const summary = el("summary");
    const firstRefusal = a.exchanges.find((x) => x.code >= 400);
    const rcpts = a.exchanges.filter((x) => x.stage === "rcptTo").map((x) => x.command.replace(/^rcpt to:\s*/i, ""));
    summary.append(
      el("span", `outcome ${a.outcome}`, a.outcome),
      el("time", "when", fmtWhen(a.startedAt)),
      el("span", "who", `${a.mailFrom ? `<${a.mailFrom}>` : a.exchanges[0]?.command || ""}${rcpts.length ? " → " + rcpts.join(", ") : ""} · ${a.client} · ${a.session}`),
    );
    if (firstRefusal) summary.append(el("span", "why", firstRefusal.reply + (firstRefusal.answeredBy ? ` (${firstRefusal.answeredBy})` : "")));
    const transcript = el("div", "transcript");
    for (const x of a.exchanges) {
      transcript.append(el("div", "c", "C: " + x.command));
      const s = el("div", x.code >= 400 ? "s bad" : "s", "S: " + x.reply);
      if (x.answeredBy) s.append(el("span", "by", `  ← ${x.answeredBy}`));
      transcript.append(s);
    }
    for (const v of a.violations || []) transcript.append(el("div", "s bad", "! " + v));
    details.append(summary, transcript);
    item.append(details);
    timeline.append(item);
  }
}

// ---- live updates ----------------------------------------------------------------------------------------------

function connect() {
  const source = new EventSource(url("/api/v1/events"));
  source.addEventListener("open", () => { $("live").classList.add("on"); $("live-text").textContent = "live"; });
  source.addEventListener("error", () => { $("live").classList.remove("on"); $("live-text").textContent = "reconnecting…"; });
  source.addEventListener("message", (e) => {
    state.fresh.add(JSON.parse(e.data).ID);
    loadMessages();
    loadAttempts();
  });
  source.addEventListener("refused", () => {
    loadAttempts();
    // The refusal is announced before the client hears it; look again once the attempt has most likely ended.
    setTimeout(loadAttempts, 1000);
  });
  for (const name of ["deleted", "reset"]) {
    source.addEventListener(name, () => {
      loadMessages();
      loadAttempts();
    });
  }
}

function showTab(tab) {
  state.tab = tab;
  $("tab-inbox").classList.toggle("active", tab === "inbox");
  $("tab-attempts").classList.toggle("active", tab === "attempts");
  $("tab-inbox").setAttribute("aria-selected", tab === "inbox");
  $("tab-attempts").setAttribute("aria-selected", tab === "attempts");
  $("inbox-view").classList.toggle("hidden", tab !== "inbox");
  $("attempts-view").classList.toggle("hidden", tab !== "attempts");
  if (tab === "attempts") loadAttempts();
}

document.addEventListener("DOMContentLoaded", () => {
  $("tab-inbox").addEventListener("click", () => showTab("inbox"));
  $("tab-attempts").addEventListener("click", () => showTab("attempts"));
  $("only-refused").addEventListener("change", loadAttempts);
  $("refresh-attempts").addEventListener("click", loadAttempts);
  let debounce;
  $("search").addEventListener("input", (e) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { state.query = e.target.value.trim(); loadMessages().catch(() => {}); }, 200);
  });
  $("delete-all").addEventListener("click", async () => {
    if (confirm("Delete every message?")) await api("/api/v1/messages", { method: "DELETE" });
  });
  connect();
  loadMessages();
  loadAttempts();
});
