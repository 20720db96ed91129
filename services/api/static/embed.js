/* Leave a Reply: the comment widget. One tag under an article:
 *
 *   <script src="https://comments.example/embed.js" data-article="ARTICLE-ID" async></script>
 *
 * It renders the article's published comments and a "Leave a Reply" form, posts to the API
 * the script came from (data-api overrides it), and shows comments published later as they
 * arrive. Comment text only ever enters the page as text (textContent), never as HTML.
 * Plain JavaScript, no build step, no dependencies.
 */
(() => {
  "use strict";

  const MAX_DEPTH = 5; // as the API's threads: a deeper reply is shown beside its parent
  const POLL_MS = [1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000];

  function el(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) node.append(child);
    return node;
  }

  // A name is shown in a <bdi> (isolated, its direction from its own first letter): whatever
  // direction its script runs, or a stray override it carries, it cannot reorder the text
  // around it (Trojan Source, CVE-2021-42574).
  function nameOf(comment) {
    return el("bdi", { class: "lar-name", text: comment.author.name });
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function when(iso) {
    const date = new Date(iso);
    return el("time", {
      datetime: iso,
      text: date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }),
    });
  }

  class Widget {
    constructor(script) {
      this.article = script.dataset.article;
      this.api = (script.dataset.api || new URL(script.src).origin).replace(/\/$/, "");
      this.uid = `lar-${Math.random().toString(36).slice(2, 8)}`;
      this.formOpenedAt = Date.now();
      this.parentId = null;
      this.root = this.build();
      const target = script.dataset.target && document.querySelector(script.dataset.target);
      if (target) target.append(this.root);
      else script.after(this.root);
      this.addStylesheet();
    }

    url(path) {
      return `${this.api}/v1/articles/${encodeURIComponent(this.article)}/comments${path}`;
    }

    addStylesheet() {
      const href = `${this.api}/embed.css`;
      if ([...document.styleSheets].some((s) => s.href === href)) return;
      if (document.querySelector(`link[data-lar-css]`)) return;
      document.head.append(el("link", { rel: "stylesheet", href, "data-lar-css": true }));
    }

    build() {
      const id = (name) => `${this.uid}-${name}`;
      this.heading = el("h2", { id: id("title"), class: "lar-title", text: "Comments" });
      this.list = el("ol", { class: "lar-list" });
      this.empty = el("p", { class: "lar-empty", text: "No comments yet. Be the first." });
      this.announcer = el("p", { class: "lar-visually-hidden", role: "status", "aria-live": "polite" });

      const field = (name, label, input, hint) => {
        const error = el("p", { class: "lar-error", id: id(`${name}-error`), hidden: true });
        input.id = id(name);
        input.name = name;
        input.setAttribute("aria-describedby", [hint && hint.id, error.id].filter(Boolean).join(" "));
        const parts = [el("label", { for: input.id, text: label }), input];
        if (hint) parts.push(hint);
        parts.push(error);
        return el("p", { class: `lar-field lar-field-${name}` }, parts);
      };
      this.fields = {
        content: el("textarea", { rows: 6, maxlength: 10000, required: true }),
        name: el("input", { type: "text", maxlength: 245, required: true, autocomplete: "name" }),
        email: el("input", { type: "email", maxlength: 100, required: true, autocomplete: "email" }),
        url: el("input", { type: "url", maxlength: 200, autocomplete: "url" }),
      };
      const emailHint = el("span", {
        class: "lar-hint",
        id: id("email-hint"),
        text: "Your email address will not be published.",
      });
      // Hidden from people (and from assistive technology); a bot that fills it is spam.
      this.honeypot = el("input", { type: "text", name: "honeypot", tabindex: -1, autocomplete: "off" });
      const trap = el("p", { class: "lar-trap", "aria-hidden": "true" }, [
        el("label", { text: "Leave this empty" }, [this.honeypot]),
      ]);
      this.replying = el("p", { class: "lar-replying", hidden: true });
      this.submit = el("button", { type: "submit", class: "lar-submit", text: "Post Comment" });
      this.status = el("p", { class: "lar-status", role: "status", "aria-live": "polite" });
      this.form = el("form", { class: "lar-form", novalidate: true, "aria-labelledby": id("reply") }, [
        el("h3", { id: id("reply"), class: "lar-reply-title", text: "Leave a Reply" }),
        this.replying,
        el("p", { class: "lar-notes", text: "Required fields are marked *" }),
        field("content", "Comment *", this.fields.content),
        field("name", "Name *", this.fields.name),
        field("email", "Email *", this.fields.email, emailHint),
        field("url", "Website", this.fields.url),
        trap,
        el("p", { class: "lar-actions" }, [this.submit]),
        this.status,
      ]);
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.send();
      });
      return el("section", { class: "lar", "aria-labelledby": id("title") }, [
        this.heading,
        this.empty,
        this.list,
        this.announcer,
        this.form,
      ]);
    }

    // ----- reading -----

    async load() {
      try {
        const response = await fetch(this.url("?view=tree"), { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const tree = await response.json();
        const add = (nodes) => {
          for (const node of nodes) {
            this.show(node.comment);
            add(node.replies);
          }
        };
        add(tree.threads);
      } catch (error) {
        this.empty.textContent = "Comments could not be loaded. Please try again later.";
      }
      this.counted();
      this.listen();
    }

    listen() {
      if (!("EventSource" in window)) return;
      // The browser reconnects by itself, sending Last-Event-ID: nothing is missed. It gives
      // up on an answer other than 200 (a server with all the streams it allows open says
      // 503): then try again a while later, from the last event seen.
      const resume = this.lastEventId ? `?last_event_id=${encodeURIComponent(this.lastEventId)}` : "";
      const source = new EventSource(this.url("/stream") + resume);
      source.addEventListener("error", () => {
        if (source.readyState !== EventSource.CLOSED) return;
        setTimeout(() => this.listen(), 5000 + Math.random() * 10000);
      });
      source.addEventListener("comment.published", (event) => {
        this.lastEventId = event.lastEventId;
        const data = JSON.parse(event.data);
        if (this.show(data.comment)) {
          this.announcer.textContent = `New comment from ${data.comment.author.name}.`;
        }
        this.counted();
      });
      source.addEventListener("comment.removed", (event) => {
        this.lastEventId = event.lastEventId;
        const data = JSON.parse(event.data);
        const item = this.item(data.comment_id);
        if (item) item.remove();
        this.counted();
      });
    }

    item(id) {
      return [...this.list.querySelectorAll("li.lar-comment")].find((li) => li.dataset.id === id);
    }

    /** Put a published comment in its place, once; true if it is new here. */
    show(comment, { pending = false } = {}) {
      const existing = this.item(comment.id);
      if (existing && !(existing.classList.contains("lar-pending") && !pending)) return false;
      const item = this.render(comment, pending);
      if (existing) {
        existing.querySelector(":scope > article").replaceWith(item.querySelector(":scope > article"));
        existing.classList.toggle("lar-pending", pending);
        return true;
      }
      this.container(comment.parent_id).append(item);
      return true;
    }

    container(parentId) {
      const parent = parentId && this.item(parentId);
      if (!parent) return this.list;
      const depth = this.depth(parent);
      if (depth >= MAX_DEPTH) return parent.parentElement;
      let replies = parent.querySelector(":scope > ol.lar-replies");
      if (!replies) {
        replies = el("ol", { class: "lar-replies" });
        parent.append(replies);
      }
      return replies;
    }

    depth(item) {
      let depth = 1;
      for (let node = item.parentElement; node && node !== this.list; node = node.parentElement) {
        if (node.matches("li.lar-comment")) depth += 1;
      }
      return depth;
    }

    render(comment, pending) {
      const site = safeUrl(comment.author.url);
      const name = site
        ? el("a", { href: site, rel: "nofollow ugc noopener" }, [nameOf(comment)])
        : nameOf(comment);
      const meta = el("header", { class: "lar-meta" }, [
        el("strong", { class: "lar-author" }, [name]),
        when(comment.published_at || comment.created_at),
      ]);
      const body = el("div", { class: "lar-content", text: comment.content });
      const parts = [meta];
      if (pending) {
        parts.push(el("p", { class: "lar-moderation", text: "Your comment is awaiting moderation." }));
      }
      parts.push(body);
      if (!pending) {
        const reply = el("button", { type: "button", class: "lar-reply", text: "Reply" });
        reply.setAttribute("aria-label", `Reply to ${comment.author.name}`);
        reply.addEventListener("click", () => this.replyTo(comment));
        parts.push(reply);
      }
      return el("li", { class: `lar-comment${pending ? " lar-pending" : ""}`, "data-id": comment.id }, [
        el("article", {}, parts),
      ]);
    }

    counted() {
      const n = this.list.querySelectorAll("li.lar-comment:not(.lar-pending)").length;
      this.heading.textContent = n === 1 ? "1 Comment" : n ? `${n} Comments` : "Comments";
      this.empty.hidden = this.list.children.length > 0;
    }

    // ----- writing -----

    replyTo(comment) {
      this.parentId = comment.id;
      this.replying.replaceChildren(
        el("span", {}, ["Replying to ", nameOf(comment), ". "]),
        (() => {
          const cancel = el("button", { type: "button", class: "lar-cancel", text: "Cancel reply" });
          cancel.addEventListener("click", () => {
            this.parentId = null;
            this.replying.hidden = true;
            this.fields.content.focus();
          });
          return cancel;
        })(),
      );
      this.replying.hidden = false;
      this.fields.content.focus();
    }

    clearErrors() {
      for (const input of Object.values(this.fields)) {
        input.removeAttribute("aria-invalid");
        const error = document.getElementById(`${input.id}-error`);
        error.hidden = true;
        error.textContent = "";
      }
    }

    fieldError(name, message) {
      const input = this.fields[name];
      const error = document.getElementById(`${input.id}-error`);
      input.setAttribute("aria-invalid", "true");
      error.textContent = message;
      error.hidden = false;
      return input;
    }

    /** The browser's own checks first, worded for people; the API checks everything again. */
    checkLocally() {
      const invalid = [];
      const labels = { content: "Please write a comment.", name: "Please give your name.",
        email: "Please give a valid email address.", url: "Please give a web address starting with http:// or https://." };
      for (const [name, input] of Object.entries(this.fields)) {
        input.value = input.value.trim();
        if (!input.checkValidity() || (name === "url" && input.value && !safeUrl(input.value))) {
          invalid.push(this.fieldError(name, labels[name]));
        }
      }
      return invalid;
    }

    async send() {
      this.clearErrors();
      const invalid = this.checkLocally();
      if (invalid.length) {
        this.status.textContent = "Please correct the marked fields.";
        invalid[0].focus();
        return;
      }
      const submission = {
        author: { name: this.fields.name.value, email: this.fields.email.value },
        content: this.fields.content.value,
        fill_ms: Date.now() - this.formOpenedAt,
      };
      if (this.fields.url.value) submission.author.url = this.fields.url.value;
      if (this.parentId) submission.parent_id = this.parentId;
      if (this.honeypot.value) submission.honeypot = this.honeypot.value;
      // The same key on a retry of the same submission: never posted twice.
      const key = this.pendingKey || (this.pendingKey = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()));
      this.submit.disabled = true;
      this.status.textContent = "Sending…";
      try {
        const response = await fetch(this.url(""), {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": key },
          body: JSON.stringify(submission),
        });
        const answer = await response.json().catch(() => ({}));
        if (response.status === 202) {
          this.pendingKey = null;
          this.accepted(answer.id, submission);
        } else {
          this.refused(response, answer);
        }
      } catch (error) {
        this.status.textContent = "Your comment could not be sent. Check your connection and try again.";
      } finally {
        this.submit.disabled = false;
      }
    }

    accepted(id, submission) {
      this.show({
        id, parent_id: submission.parent_id || null, content: submission.content,
        author: { name: submission.author.name, url: submission.author.url || null },
        created_at: new Date().toISOString(),
      }, { pending: true });
      this.counted();
      this.fields.content.value = "";
      this.parentId = null;
      this.replying.hidden = true;
      this.formOpenedAt = Date.now();
      this.status.textContent = "Thank you. Your comment is awaiting moderation.";
      this.follow(id, 0);
    }

    /** Poll the comment's status until it is decided, to tell its author. */
    async follow(id, attempt) {
      if (attempt >= POLL_MS.length) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS[attempt]));
      let status;
      try {
        const response = await fetch(`${this.api}/v1/comments/${encodeURIComponent(id)}`);
        status = await response.json();
      } catch (error) {
        return this.follow(id, attempt + 1);
      }
      if (status.status === "published") {
        this.show(status.comment);
        this.counted();
        this.status.textContent = "Your comment is published.";
      } else if (status.status === "spam" || status.status === "rejected") {
        const item = this.item(id);
        if (item) item.remove();
        this.counted();
        this.status.textContent = "Your comment was not published.";
      } else {
        // pending: not decided yet; held: a moderator will look at it.
        if (status.status === "held") this.status.textContent = "Your comment is awaiting moderation.";
        return this.follow(id, attempt + 1);
      }
    }

    refused(response, problem) {
      const pointers = { "/content": "content", "/author/name": "name", "/author/email": "email", "/author/url": "url" };
      const invalid = [];
      for (const error of problem.errors || []) {
        const name = pointers[error.pointer];
        if (name) invalid.push(this.fieldError(name, error.message));
      }
      if (response.status === 429) {
        const wait = response.headers.get("Retry-After");
        this.status.textContent = `You are commenting too quickly. Please wait${wait ? ` ${wait} seconds` : ""} and try again.`;
      } else if (response.status === 409) {
        this.status.textContent = problem.detail || "You have already posted this comment.";
      } else {
        this.status.textContent = problem.detail || problem.title || `The comment was not accepted (HTTP ${response.status}).`;
      }
      if (invalid.length) invalid[0].focus();
    }
  }

  const scripts = document.currentScript && document.currentScript.dataset.article
    ? [document.currentScript]
    : [...document.querySelectorAll("script[data-article]:not([data-lar-mounted])")];
  for (const script of scripts) {
    if (script.dataset.larMounted) continue;
    script.dataset.larMounted = "1";
    new Widget(script).load();
  }
})();
