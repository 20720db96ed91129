// Trusted commenters: trust a queue item's author, list the trusted, stop trusting one.
// Uses api(), say() and $() from moderation.js, cell() and shortDate() from
// moderation-tools.js. Everything from the API goes into the page with textContent.
"use strict";

/** From a queue item: trust its author (by the comment; the API finds the author's hash). */
async function trustAuthor(commentId) {
  try {
    const entry = await api(`/v1/moderation/comments/${encodeURIComponent(commentId)}/trust`, {
      method: "POST",
    });
    say(`Trusted the author ${entry.hash.slice(0, 12)}…: their next comments skip score and pre-moderation holds.`);
  } catch (error) {
    say(`Could not trust the author: ${error.message}`);
  }
}

function trustedRow(entry) {
  const row = document.createElement("tr");
  row.dataset.hash = entry.hash;
  cell(row, `${entry.hash.slice(0, 12)}…`, "hash").title = entry.hash;
  cell(row, entry.reason);
  cell(row, entry.comment_id);
  cell(row, entry.by);
  cell(row, shortDate(entry.at));
  const stop = document.createElement("button");
  stop.type = "button";
  stop.textContent = "Stop trusting";
  stop.setAttribute("aria-label", `Stop trusting ${entry.hash.slice(0, 12)}`);
  stop.addEventListener("click", () => stopTrusting(entry.hash));
  cell(row, "").append(stop);
  return row;
}

async function loadTrusted() {
  let listed;
  try {
    listed = await api("/v1/moderation/trusted");
  } catch (error) {
    say(`Could not load the trusted commenters: ${error.message}`);
    return;
  }
  $("#trusted tbody").replaceChildren(...listed.trusted.map(trustedRow));
  $("#trusted-empty").hidden = listed.trusted.length > 0;
}

async function stopTrusting(hash) {
  try {
    await api(`/v1/moderation/trusted/${hash}`, { method: "DELETE" });
    say(`Stopped trusting ${hash.slice(0, 12)}….`);
  } catch (error) {
    say(`Could not stop trusting: ${error.message}`);
  }
  loadTrusted();
}
