// The moderation page: the held and reported queues, decisions by click or key, live updates.
// Bans, rules and the audit log are in moderation-tools.js; trusted commenters in
// moderation-trusted.js; article settings in moderation-articles.js.
// Every piece of comment text goes into the page with textContent, never as HTML.
"use strict";

const $ = (selector) => document.querySelector(selector);
const state = {
  token: sessionStorage.getItem("moderator-token") || "", items: [], current: 0, shown: "held",
};
const KEYS = {
  held: { a: "approve", s: "spam", r: "reject" },
  reported: { d: "dismiss", r: "remove" },
};

function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}`, ...(options.headers || {}) };
  return fetch(path, { ...options, headers }).then(async (response) => {
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Error((body && (body.detail || body.title)) || response.statusText);
      error.status = response.status;
      error.problem = body || {};
      throw error;
    }
    return body;
  });
}

function say(message) { $("#status").textContent = message; }

function signedIn(yes) {
  $("#workspace").hidden = !yes;
  $("#signin").hidden = yes;
  $("#signout").hidden = !yes;
  if (yes) document.dispatchEvent(new Event("moderator-signed-in"));
}

function reporting() { return state.shown === "reported"; }

async function load() {
  const shown = $("#state").value;
  const query = new URLSearchParams({ state: shown, limit: "100" });
  const article = $("#article").value.trim();
  if (article && shown !== "reported") query.set("article_id", article);
  try {
    const page = await api(`/v1/moderation/queue?${query}`);
    state.shown = shown;
    const selected = new Set(state.items.filter((i) => i.selected).map((i) => i.id));
    state.items = page.items.map((item) => ({ ...item, selected: selected.has(item.id) }));
    state.current = Math.min(state.current, Math.max(0, state.items.length - 1));
    render();
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      signOut();
      say(`Signed out: ${error.message}`);
    } else {
      say(`Could not load the queue: ${error.message}`);
    }
  }
}

function render() {
  const list = $("#queue");
  list.replaceChildren();
  const template = $("#item");
  state.items.forEach((item, index) => {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.id = item.id;
    node.dataset.state = item.state;
    node.classList.toggle("current", index === state.current);
    node.classList.toggle("selected", item.selected);
    node.querySelector(".select").checked = item.selected;
    node.querySelector(".author").textContent = item.author.name;
    node.querySelector(".email").textContent = item.author.email;
    const h = item.author_history;
    node.querySelector(".history").textContent =
      `${h.published} published, ${h.held} held, ${h.spam} spam`;
    node.querySelector(".article").textContent = `on ${item.article_id}`;
    const created = node.querySelector(".created");
    created.dateTime = item.created_at;
    created.textContent = new Date(item.created_at).toLocaleString();
    const score = item.verdict.spam_score;
    node.querySelector(".score").textContent = score == null ? "" : `spam score ${score.toFixed(2)}`;
    node.querySelector(".content").textContent = item.content;
    renderReasons(node.querySelector(".reasons"), item.verdict.reasons || []);
    if (item.reports) renderReports(node, item.reports);
    for (const button of node.querySelectorAll(".held-only")) button.hidden = reporting();
    for (const button of node.querySelectorAll(".reported-only")) button.hidden = !reporting();
    node.addEventListener("click", (event) => {
      state.current = index;
      const action = event.target.dataset && event.target.dataset.action;
      if (action === "ban") banAuthor(item.id);
      else if (action === "trust") trustAuthor(item.id);
      else if (action) decide(action, [item.id]);
      else if (event.target.classList.contains("select")) toggle(index);
      else render();
    });
    list.append(node);
  });
  $("#empty").hidden = state.items.length > 0;
  $("#bulk").hidden = reporting();
  $("#bulk-reported").hidden = !reporting();
  const current = list.children[state.current];
  if (current && document.activeElement && document.activeElement.closest("#queue")) current.focus();
}

function textItem(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function renderReasons(list, reasons) {
  for (const reason of reasons) {
    if (reason.action === "score" && reason.score === 0) continue;
    const matched = reason.matched && reason.matched.length ? ` (${reason.matched.join(", ")})` : "";
    list.append(textItem(`${reason.check}: ${reason.detail}${matched}`));
  }
}

/** A reported comment: how many readers reported it, why, and what they wrote (as text). */
function renderReports(node, reports) {
  node.querySelector(".reports").hidden = false;
  const readers = reports.count === 1 ? "1 report" : `${reports.count} reports`;
  node.querySelector(".report-count").textContent = `${readers}; the comment is ${node.dataset.state}.`;
  node.querySelector(".report-reasons").replaceChildren(
    ...Object.entries(reports.reasons).map(([reason, n]) => textItem(`${reason}: ${n}`)),
  );
  node.querySelector(".report-notes").replaceChildren(
    ...reports.notes.map((note) => textItem(`${note.reason}: ${note.note}`)),
  );
}

function toggle(index) {
  const item = state.items[index];
  if (item) item.selected = !item.selected;
  render();
}

/** A decision is on the text the moderator saw (`revision`: the API refuses it if the
 * author edited the comment since). A reported comment is decided from the state it was seen
 * in (held once withdrawn, or still published), so that one decided before can be again. */
function decisionBody(action, id) {
  const item = state.items.find((i) => i.id === id);
  if (!item) return { action };
  const body = { action, revision: item.revision };
  if (reporting()) body.from = item.state;
  return body;
}

async function decideEach(action, ids) {
  let done = 0;
  for (const id of ids) {
    try {
      await api(`/v1/moderation/comments/${encodeURIComponent(id)}/decision`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(decisionBody(action, id)),
      });
      done += 1;
    } catch (error) {
      if (ids.length === 1) throw error;
    }
  }
  return done;
}

async function decide(action, ids) {
  if (!ids.length) return;
  try {
    if (ids.length === 1 || reporting()) {
      const done = await decideEach(action, ids);
      say(ids.length === 1 ? `${action}: done` : `${action}: ${done} of ${ids.length} done`);
    } else {
      const result = await api("/v1/moderation/decisions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ action, ids }),
      });
      const done = result.results.filter((r) => r.status === 200).length;
      say(`${action}: ${done} of ${ids.length} done`);
    }
  } catch (error) {
    if (error.problem.type === "/problems/comment-changed") {
      say(`Not decided: its author edited the comment since it was loaded. Reloaded: read it again.`);
    } else {
      say(`${action} failed: ${error.message}`);
    }
  }
  state.items = state.items.filter((i) => !ids.includes(i.id));
  render();
  load();
}

function targets() {
  const selected = state.items.filter((i) => i.selected).map((i) => i.id);
  if (selected.length) return selected;
  const current = state.items[state.current];
  return current ? [current.id] : [];
}

document.addEventListener("keydown", (event) => {
  if ($("#queue-view").hidden || $("#workspace").hidden || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest && event.target.closest("input, select, textarea")) return;
  const keys = KEYS[state.shown] || KEYS.held;
  if (event.key === "j" || event.key === "ArrowDown") {
    state.current = Math.min(state.current + 1, state.items.length - 1);
  } else if (event.key === "k" || event.key === "ArrowUp") {
    state.current = Math.max(state.current - 1, 0);
  } else if (event.key === "x") {
    toggle(state.current);
    return;
  } else if (keys[event.key]) {
    decide(keys[event.key], targets());
    return;
  } else {
    return;
  }
  event.preventDefault();
  render();
  const current = $("#queue").children[state.current];
  if (current) current.focus();
});

// Live updates: the event stream, read with fetch so the token goes in a header.
let streamAbort = null;
async function listen() {
  streamAbort = new AbortController();
  let refresh = null;
  while (state.token && !streamAbort.signal.aborted) {
    try {
      const response = await fetch("/v1/moderation/stream", {
        headers: { Authorization: `Bearer ${state.token}` },
        signal: streamAbort.signal,
      });
      if (!response.ok) throw new Error(response.statusText);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const events = buffer.split(/\r?\n\r?\n/);
        buffer = events.pop();
        if (events.some((e) => /^data:/m.test(e))) {
          clearTimeout(refresh);
          refresh = setTimeout(load, 250);
        }
      }
    } catch (error) {
      if (streamAbort.signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function signOut() {
  state.token = "";
  sessionStorage.removeItem("moderator-token");
  if (streamAbort) streamAbort.abort();
  state.items = [];
  render();
  signedIn(false);
}

$("#signin").addEventListener("submit", async (event) => {
  event.preventDefault();
  state.token = $("#token").value.trim();
  $("#token").value = "";
  try {
    await api("/v1/moderation/queue?limit=1");
  } catch (error) {
    state.token = "";
    say(`Sign-in failed: ${error.message}`);
    return;
  }
  sessionStorage.setItem("moderator-token", state.token);
  signedIn(true);
  say("Signed in.");
  await load();
  listen();
});
$("#signout").addEventListener("click", () => { signOut(); say("Signed out."); });
$("#filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
$("#state").addEventListener("change", load);
document.querySelectorAll("#bulk button, #bulk-reported button").forEach((button) => {
  button.addEventListener("click", () => {
    decide(button.dataset.action, state.items.filter((i) => i.selected).map((i) => i.id));
  });
});

if (state.token) {
  signedIn(true);
  load();
  listen();
} else {
  signedIn(false);
}
