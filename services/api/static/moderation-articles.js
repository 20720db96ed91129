// Article settings: a moderator looks an article up by id, sees its effective comment
// settings, closes or reopens its comments and sets pre-moderation and close_after_days.
// Uses api(), say() and $() from moderation.js, shortDate() from moderation-tools.js.
"use strict";

const articles = { id: null, record: null };
const FIELD_ERRORS = {
  "/comments/status": "#article-status-error",
  "/comments/premoderation": "#article-premoderation-error",
  "/comments/close_after_days": "#article-days-error",
};

function openArticles() {
  $("#article-id").focus();
}

function articleUrl(id) {
  return `/v1/articles/${encodeURIComponent(id)}`;
}

/** What the settings come to, the rules' defaults filled in. */
function effective(view) {
  const c = view.comments;
  const why = { status: " (closed by a moderator or the site)", time: " (close_after_days passed)" };
  const inherited = (name) => (c.inherited.includes(name) ? " (site default)" : "");
  const days = c.close_after_days == null ? "never close by time" : `close after ${c.close_after_days} days`;
  const closes = c.closes_at ? `, on ${shortDate(c.closes_at)}` : "";
  return `Comments are ${c.status}${why[c.closed_reason] || ""}. `
    + `Pre-moderation: ${c.premoderation}${inherited("premoderation")}. `
    + `They ${days}${inherited("close_after_days")}${closes}. ${c.count} published.`;
}

function fillSettings(view) {
  const stored = view ? view.comments.stored : { status: "open", premoderation: null, close_after_days: null };
  $("#article-status").value = stored.status;
  $("#article-premoderation").value = stored.premoderation || "";
  $("#article-days").value = stored.close_after_days == null ? "" : String(stored.close_after_days);
  $("#article-toggle").textContent = stored.status === "open" ? "Close comments" : "Reopen comments";
  $("#article-effective").textContent = view
    ? effective(view)
    : `The service has not heard of ${articles.id} yet: saving creates it with these settings.`;
  $("#article-settings").hidden = false;
}

function clearErrors() {
  for (const selector of Object.values(FIELD_ERRORS)) $(selector).textContent = "";
  $("#article-errors").replaceChildren();
}

async function showArticle(id) {
  clearErrors();
  articles.id = id;
  try {
    articles.record = await api(articleUrl(id));
  } catch (error) {
    if (error.status !== 404) {
      say(`Could not load article ${id}: ${error.message}`);
      $("#article-settings").hidden = true;
      return;
    }
    articles.record = null;
  }
  fillSettings(articles.record);
}

/** The days as typed: a whole number goes as one, anything else as typed for the API to
 * explain (its 422 names the field). */
function typedDays() {
  const text = $("#article-days").value.trim();
  if (text === "") return null;
  return /^-?[0-9]{1,9}$/.test(text) ? Number(text) : text;
}

/** A PUT replaces the whole record: what the site said about the article goes back as read. */
function settingsBody(status) {
  const r = articles.record || {};
  return {
    title: r.title ?? null,
    url: r.url ?? null,
    published_at: r.published_at ?? null,
    language: r.language ?? null,
    comments: {
      status,
      premoderation: $("#article-premoderation").value || null,
      close_after_days: typedDays(),
    },
  };
}

function showErrors(errors) {
  const unplaced = [];
  for (const e of errors) {
    const place = FIELD_ERRORS[e.pointer];
    if (place) $(place).textContent = e.message;
    else unplaced.push(e);
  }
  $("#article-errors").replaceChildren(...unplaced.map((e) => {
    const li = document.createElement("li");
    li.textContent = `${e.pointer}: ${e.message}`;
    return li;
  }));
}

async function saveArticle(status) {
  clearErrors();
  const id = articles.id;
  try {
    articles.record = await api(articleUrl(id), {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(settingsBody(status)),
    });
    fillSettings(articles.record);
    say(`Saved the settings of article ${id}: comments are ${articles.record.comments.status}.`);
  } catch (error) {
    if (error.status === 422) {
      showErrors(error.problem.errors || []);
      say("The settings were not saved: correct the errors shown.");
    } else {
      say(`The settings were not saved: ${error.message}`);
    }
  }
}

$("#article-find").addEventListener("submit", (event) => {
  event.preventDefault();
  showArticle($("#article-id").value.trim());
});
$("#article-settings").addEventListener("submit", (event) => {
  event.preventDefault();
  saveArticle($("#article-status").value);
});
$("#article-toggle").addEventListener("click", () => {
  const stored = articles.record ? articles.record.comments.stored.status : "open";
  saveArticle(stored === "open" ? "closed" : "open");
});
