// The moderation page's other views: removing a published comment, bans, the rules editor
// and the audit log (the view switch opens the trusted and article views too).
// Uses api(), say() and $() from moderation.js (loaded before this one).
// Everything from the API goes into the page with textContent, never as HTML.
"use strict";

const HASH = /^[0-9a-f]{64}$/;
const DAY_S = 24 * 3600;
const tools = { rulesVersion: null, auditBefore: null };

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (className) td.className = className;
  row.append(td);
  return td;
}

function shortDate(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

// ----- views -----

function show(view) {
  for (const button of document.querySelectorAll("#views button")) {
    const current = button.dataset.view === view;
    if (current) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
    $(`#${button.dataset.view}`).hidden = !current;
  }
  const open = {
    "bans-view": loadBans,
    "trusted-view": loadTrusted, // moderation-trusted.js
    "articles-view": openArticles, // moderation-articles.js
    "rules-view": loadRules,
    "audit-view": () => loadAudit(true),
  };
  if (open[view]) open[view]();
}

document.querySelectorAll("#views button").forEach((button) => {
  button.addEventListener("click", () => show(button.dataset.view));
});
document.addEventListener("moderator-signed-in", () => show("queue-view"));

// ----- removing a published comment -----

async function decideById(id, action, reason) {
  await api(`/v1/moderation/comments/${encodeURIComponent(id)}/decision`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(reason ? { action, reason } : { action }),
  });
}

$("#remove").addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = $("#remove-id").value.trim();
  try {
    await decideById(id, "remove", $("#remove-reason").value.trim());
    say(`Removed comment ${id}.`);
    $("#remove").reset();
  } catch (error) {
    say(`Could not remove ${id}: ${error.message}`);
  }
});

// ----- bans -----

async function ban(document_) {
  const made = await api("/v1/moderation/bans", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(document_),
  });
  say(`Banned ${made.scope} ${made.hash.slice(0, 12)}… until ${shortDate(made.expires_at)}.`);
  return made;
}

/** From a queue item: ban its author for the default 30 days. */
async function banAuthor(commentId) {
  try {
    await ban({ scope: "author", comment_id: commentId });
  } catch (error) {
    say(`Could not ban: ${error.message}`);
  }
}

$("#ban").addEventListener("submit", async (event) => {
  event.preventDefault();
  const target = $("#ban-target").value.trim();
  const document_ = { scope: $("#ban-scope").value, duration_s: Number($("#ban-days").value) * DAY_S };
  if (HASH.test(target)) document_.hash = target;
  else document_.comment_id = target;
  const reason = $("#ban-reason").value.trim();
  if (reason) document_.reason = reason;
  try {
    await ban(document_);
    $("#ban-target").value = "";
    $("#ban-reason").value = "";
  } catch (error) {
    const details = (error.problem.errors || []).map((e) => `${e.pointer}: ${e.message}`);
    say(`Could not ban: ${[error.message, ...details].join("; ")}`);
  }
  loadBans();
});

async function loadBans() {
  let listed;
  try {
    listed = await api("/v1/moderation/bans");
  } catch (error) {
    say(`Could not load the bans: ${error.message}`);
    return;
  }
  const body = $("#bans tbody");
  body.replaceChildren();
  for (const item of listed.bans) {
    const row = document.createElement("tr");
    row.dataset.hash = item.hash;
    cell(row, item.scope);
    cell(row, `${item.hash.slice(0, 12)}…`, "hash").title = item.hash;
    cell(row, item.reason);
    cell(row, item.by);
    cell(row, shortDate(item.at));
    cell(row, shortDate(item.expires_at));
    const lift = document.createElement("button");
    lift.type = "button";
    lift.textContent = "Lift";
    lift.setAttribute("aria-label", `Lift the ${item.scope} ban on ${item.hash.slice(0, 12)}`);
    lift.addEventListener("click", () => liftBan(item));
    cell(row, "").append(lift);
    body.append(row);
  }
  $("#bans-empty").hidden = listed.bans.length > 0;
}

async function liftBan(item) {
  try {
    await api(`/v1/moderation/bans/${item.scope}/${item.hash}`, { method: "DELETE" });
    say(`Lifted the ${item.scope} ban on ${item.hash.slice(0, 12)}….`);
  } catch (error) {
    say(`Could not lift the ban: ${error.message}`);
  }
  loadBans();
}

// ----- rules -----

async function loadRules() {
  $("#rules-errors").replaceChildren();
  try {
    const stored = await api("/v1/moderation/rules");
    tools.rulesVersion = stored.version;
    $("#rules-text").value = JSON.stringify(stored.rules, null, 2);
    const by = stored.updated_by ? `, by ${stored.updated_by} at ${shortDate(stored.updated_at)}` : "";
    $("#rules-version").textContent = `Version ${stored.version}${by}.`;
  } catch (error) {
    say(`Could not load the rules: ${error.message}`);
  }
}

function ruleErrors(lines) {
  $("#rules-errors").replaceChildren(...lines.map((line) => {
    const li = document.createElement("li");
    li.textContent = line;
    return li;
  }));
}

$("#rules").addEventListener("submit", async (event) => {
  event.preventDefault();
  let rules;
  try {
    rules = JSON.parse($("#rules-text").value);
  } catch (error) {
    ruleErrors([`Not JSON: ${error.message}`]);
    return;
  }
  try {
    const stored = await api("/v1/moderation/rules", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ version: tools.rulesVersion, rules }),
    });
    say(`Rules saved: version ${stored.version} is in force.`);
    loadRules();
  } catch (error) {
    if (error.status === 422) {
      ruleErrors((error.problem.errors || []).map((e) => `${e.pointer}: ${e.message}`));
      say("The rules were not saved: correct the errors listed.");
    } else if (error.status === 409) {
      ruleErrors([]);
      say(`${error.message} Reload to see the rules in force, then make your change again.`);
    } else if (error.status === 403) {
      say("Only an administrator can change the rules.");
    } else {
      say(`The rules were not saved: ${error.message}`);
    }
  }
});
$("#rules-reload").addEventListener("click", loadRules);

// ----- audit log -----

function auditDetails(entry) {
  const shown = new Set(["id", "at", "actor", "action", "role", "rules"]);
  return Object.entries(entry)
    .filter(([key, value]) => !shown.has(key) && value !== "" && value != null)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(", ");
}

async function loadAudit(fresh) {
  if (fresh) tools.auditBefore = null;
  const query = new URLSearchParams({ limit: "50" });
  if (tools.auditBefore) query.set("before", tools.auditBefore);
  let page;
  try {
    page = await api(`/v1/moderation/audit?${query}`);
  } catch (error) {
    say(`Could not load the audit log: ${error.message}`);
    return;
  }
  const body = $("#audit tbody");
  if (fresh) body.replaceChildren();
  for (const entry of page.entries) {
    const row = document.createElement("tr");
    row.dataset.id = entry.id;
    cell(row, shortDate(entry.at));
    cell(row, entry.role ? `${entry.actor} (${entry.role})` : entry.actor);
    cell(row, entry.action);
    cell(row, auditDetails(entry));
    body.append(row);
  }
  tools.auditBefore = page.next_before;
  $("#audit-older").hidden = !page.next_before;
}
$("#audit-refresh").addEventListener("click", () => loadAudit(true));
$("#audit-older").addEventListener("click", () => loadAudit(false));
