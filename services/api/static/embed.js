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
  const FIELD_ERRORS = { content: "errorContent", name: "errorName", email: "errorEmail", url: "errorUrl" };
  const POLL_MS = [1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000];

  // The widget's words, by language. A site replaces any of them (README: "The widget's
  // language"). Counts are plural forms chosen by Intl.PluralRules ("=0" wins over the rule
  // for exactly zero); {n} is the count in the locale's digits. Some strings (closed, report,
  // loadMore, edit, delete) wait for features still to come, so each is a one-line use then.
  const CATALOGUE = {
    en: {
      comments: { "=0": "Comments", one: "{n} Comment", other: "{n} Comments" },
      empty: "No comments yet. Be the first.",
      loadFailed: "Comments could not be loaded. Please try again later.",
      leaveReply: "Leave a Reply",
      notes: "Required fields are marked *",
      labelContent: "Comment *", labelName: "Name *", labelEmail: "Email *", labelUrl: "Website",
      emailHint: "Your email address will not be published.",
      trap: "Leave this empty",
      submit: "Post Comment",
      reply: "Reply", replyTo: "Reply to {name}", replyingTo: "Replying to {name}. ",
      cancelReply: "Cancel reply",
      announce: "New comment from {name}.",
      awaiting: "Your comment is awaiting moderation.",
      errorContent: "Please write a comment.",
      errorName: "Please give your name.",
      errorEmail: "Please give a valid email address.",
      errorUrl: "Please give a web address starting with http:// or https://.",
      correct: "Please correct the marked fields.",
      sending: "Sending…",
      sendFailed: "Your comment could not be sent. Check your connection and try again.",
      thanks: "Thank you. Your comment is awaiting moderation.",
      published: "Your comment is published.",
      notPublished: "Your comment was not published.",
      tooQuick: "You are commenting too quickly. Please wait and try again.",
      tooQuickWait: "You are commenting too quickly. Please wait {wait} and try again.",
      duplicate: "You have already posted this comment.",
      notAccepted: "The comment was not accepted (HTTP {status}).",
      closed: "Comments are closed.", report: "Report", loadMore: "Load more comments",
      edit: "Edit", delete: "Delete",
    },
    fr: {
      comments: { "=0": "Commentaires", one: "{n} commentaire", many: "{n} de commentaires", other: "{n} commentaires" },
      empty: "Aucun commentaire pour l’instant. Lancez la discussion.",
      loadFailed: "Impossible de charger les commentaires. Veuillez réessayer plus tard.",
      leaveReply: "Laisser un commentaire",
      notes: "Les champs obligatoires sont indiqués avec *",
      labelContent: "Commentaire *", labelName: "Nom *", labelEmail: "E-mail *", labelUrl: "Site web",
      emailHint: "Votre adresse e-mail ne sera pas publiée.",
      trap: "Laissez ce champ vide",
      submit: "Publier le commentaire",
      reply: "Répondre", replyTo: "Répondre à {name}", replyingTo: "Réponse à {name}. ",
      cancelReply: "Annuler la réponse",
      announce: "Nouveau commentaire de {name}.",
      awaiting: "Votre commentaire est en attente de modération.",
      errorContent: "Veuillez écrire un commentaire.",
      errorName: "Veuillez indiquer votre nom.",
      errorEmail: "Veuillez indiquer une adresse e-mail valide.",
      errorUrl: "Veuillez indiquer une adresse web commençant par http:// ou https://.",
      correct: "Veuillez corriger les champs signalés.",
      sending: "Envoi…",
      sendFailed: "Votre commentaire n’a pas pu être envoyé. Vérifiez votre connexion et réessayez.",
      thanks: "Merci. Votre commentaire est en attente de modération.",
      published: "Votre commentaire est publié.",
      notPublished: "Votre commentaire n’a pas été publié.",
      tooQuick: "Vous commentez trop vite. Veuillez patienter puis réessayer.",
      tooQuickWait: "Vous commentez trop vite. Veuillez patienter {wait} puis réessayer.",
      duplicate: "Vous avez déjà publié ce commentaire.",
      notAccepted: "Le commentaire n’a pas été accepté (HTTP {status}).",
      closed: "Les commentaires sont fermés.", report: "Signaler",
      loadMore: "Charger plus de commentaires", edit: "Modifier", delete: "Supprimer",
    },
    de: {
      comments: { "=0": "Kommentare", one: "{n} Kommentar", other: "{n} Kommentare" },
      empty: "Noch keine Kommentare. Schreiben Sie den ersten.",
      loadFailed: "Die Kommentare konnten nicht geladen werden. Bitte versuchen Sie es später erneut.",
      leaveReply: "Kommentar schreiben",
      notes: "Pflichtfelder sind mit * markiert",
      labelContent: "Kommentar *", labelName: "Name *", labelEmail: "E-Mail *", labelUrl: "Website",
      emailHint: "Ihre E-Mail-Adresse wird nicht veröffentlicht.",
      trap: "Dieses Feld leer lassen",
      submit: "Kommentar abschicken",
      reply: "Antworten", replyTo: "{name} antworten", replyingTo: "Antwort an {name}. ",
      cancelReply: "Antwort abbrechen",
      announce: "Neuer Kommentar von {name}.",
      awaiting: "Ihr Kommentar wartet auf Freigabe.",
      errorContent: "Bitte schreiben Sie einen Kommentar.",
      errorName: "Bitte geben Sie Ihren Namen an.",
      errorEmail: "Bitte geben Sie eine gültige E-Mail-Adresse an.",
      errorUrl: "Bitte geben Sie eine Webadresse an, die mit http:// oder https:// beginnt.",
      correct: "Bitte korrigieren Sie die markierten Felder.",
      sending: "Wird gesendet…",
      sendFailed: "Ihr Kommentar konnte nicht gesendet werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
      thanks: "Danke. Ihr Kommentar wartet auf Freigabe.",
      published: "Ihr Kommentar ist veröffentlicht.",
      notPublished: "Ihr Kommentar wurde nicht veröffentlicht.",
      tooQuick: "Sie kommentieren zu schnell. Bitte warten Sie kurz und versuchen Sie es erneut.",
      tooQuickWait: "Sie kommentieren zu schnell. Bitte warten Sie {wait} und versuchen Sie es erneut.",
      duplicate: "Sie haben diesen Kommentar bereits abgeschickt.",
      notAccepted: "Der Kommentar wurde nicht angenommen (HTTP {status}).",
      closed: "Die Kommentare sind geschlossen.", report: "Melden",
      loadMore: "Weitere Kommentare laden", edit: "Bearbeiten", delete: "Löschen",
    },
    es: {
      comments: { "=0": "Comentarios", one: "{n} comentario", many: "{n} de comentarios", other: "{n} comentarios" },
      empty: "Todavía no hay comentarios. Escribe el primero.",
      loadFailed: "No se pudieron cargar los comentarios. Inténtalo de nuevo más tarde.",
      leaveReply: "Deja una respuesta",
      notes: "Los campos obligatorios están marcados con *",
      labelContent: "Comentario *", labelName: "Nombre *", labelEmail: "Correo electrónico *", labelUrl: "Web",
      emailHint: "Tu dirección de correo electrónico no se publicará.",
      trap: "Deja este campo vacío",
      submit: "Publicar el comentario",
      reply: "Responder", replyTo: "Responder a {name}", replyingTo: "Respondiendo a {name}. ",
      cancelReply: "Cancelar respuesta",
      announce: "Nuevo comentario de {name}.",
      awaiting: "Tu comentario está pendiente de moderación.",
      errorContent: "Escribe un comentario.",
      errorName: "Indica tu nombre.",
      errorEmail: "Indica una dirección de correo electrónico válida.",
      errorUrl: "Indica una dirección web que empiece por http:// o https://.",
      correct: "Corrige los campos marcados.",
      sending: "Enviando…",
      sendFailed: "No se pudo enviar tu comentario. Comprueba tu conexión e inténtalo de nuevo.",
      thanks: "Gracias. Tu comentario está pendiente de moderación.",
      published: "Tu comentario se ha publicado.",
      notPublished: "Tu comentario no se ha publicado.",
      tooQuick: "Estás comentando demasiado rápido. Espera un momento e inténtalo de nuevo.",
      tooQuickWait: "Estás comentando demasiado rápido. Espera {wait} e inténtalo de nuevo.",
      duplicate: "Ya has publicado este comentario.",
      notAccepted: "El comentario no se aceptó (HTTP {status}).",
      closed: "Los comentarios están cerrados.", report: "Denunciar",
      loadMore: "Cargar más comentarios", edit: "Editar", delete: "Eliminar",
    },
    ar: {
      dir: "rtl",
      comments: {
        zero: "لا توجد تعليقات", one: "تعليق واحد", two: "تعليقان",
        few: "{n} تعليقات", many: "{n} تعليقًا", other: "{n} تعليق",
      },
      empty: "لا توجد تعليقات بعد. كن أول من يعلّق.",
      loadFailed: "تعذّر تحميل التعليقات. يُرجى المحاولة لاحقًا.",
      leaveReply: "اترك تعليقًا",
      notes: "الحقول المطلوبة مشار إليها بـ *",
      labelContent: "التعليق *", labelName: "الاسم *", labelEmail: "البريد الإلكتروني *",
      labelUrl: "الموقع الإلكتروني",
      emailHint: "لن يُنشر عنوان بريدك الإلكتروني.",
      trap: "اترك هذا الحقل فارغًا",
      submit: "أرسل التعليق",
      reply: "رد", replyTo: "الرد على {name}", replyingTo: "ردًا على {name}. ",
      cancelReply: "إلغاء الرد",
      announce: "تعليق جديد من {name}.",
      awaiting: "تعليقك بانتظار المراجعة.",
      errorContent: "يُرجى كتابة تعليق.",
      errorName: "يُرجى إدخال اسمك.",
      errorEmail: "يُرجى إدخال عنوان بريد إلكتروني صالح.",
      errorUrl: "يُرجى إدخال عنوان ويب يبدأ بـ http:// أو https://.",
      correct: "يُرجى تصحيح الحقول المُعلَّمة.",
      sending: "جارٍ الإرسال…",
      sendFailed: "تعذّر إرسال تعليقك. تحقّق من اتصالك وحاول مرة أخرى.",
      thanks: "شكرًا لك. تعليقك بانتظار المراجعة.",
      published: "نُشر تعليقك.",
      notPublished: "لم يُنشر تعليقك.",
      tooQuick: "أنت تعلّق بسرعة كبيرة. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.",
      tooQuickWait: "أنت تعلّق بسرعة كبيرة. يُرجى الانتظار {wait} ثم المحاولة مرة أخرى.",
      duplicate: "لقد نشرت هذا التعليق من قبل.",
      notAccepted: "لم يُقبل التعليق (HTTP {status}).",
      closed: "التعليقات مغلقة.", report: "إبلاغ", loadMore: "تحميل مزيد من التعليقات",
      edit: "تعديل", delete: "حذف",
    },
  };

  // Reader reports: the words of the "Report" form (a site overrides them like the others).
  const REPORT_WORDS = {
    en: {
      reportTitle: "Why should this comment not be here?", reasonSpam: "Spam",
      reasonAbuse: "Abusive or hateful", reasonOffTopic: "Off-topic", reasonOther: "Something else",
      reportNote: "Anything to add? (optional)", sendReport: "Send report", cancelReport: "Cancel",
      reportTo: "Report the comment by {name}",
      reported: "Thank you. A moderator will look at this comment.",
      alreadyReported: "You have already reported this comment.",
      reportTooQuick: "You are sending reports too quickly. Please wait and try again.",
      reportFailed: "The report could not be sent. Please try again.",
    },
    fr: {
      reportTitle: "Pourquoi ce commentaire ne devrait-il pas être ici ?", reasonSpam: "Spam",
      reasonAbuse: "Injurieux ou haineux", reasonOffTopic: "Hors sujet", reasonOther: "Autre chose",
      reportNote: "Un mot à ajouter ? (facultatif)", sendReport: "Envoyer le signalement",
      cancelReport: "Annuler", reportTo: "Signaler le commentaire de {name}",
      reported: "Merci. Un modérateur examinera ce commentaire.",
      alreadyReported: "Vous avez déjà signalé ce commentaire.",
      reportTooQuick: "Vous envoyez des signalements trop vite. Veuillez patienter puis réessayer.",
      reportFailed: "Le signalement n’a pas pu être envoyé. Veuillez réessayer.",
    },
    de: {
      reportTitle: "Warum gehört dieser Kommentar nicht hierher?", reasonSpam: "Spam",
      reasonAbuse: "Beleidigend oder hasserfüllt", reasonOffTopic: "Am Thema vorbei",
      reasonOther: "Etwas anderes", reportNote: "Möchten Sie etwas ergänzen? (optional)",
      sendReport: "Meldung senden", cancelReport: "Abbrechen",
      reportTo: "Den Kommentar von {name} melden",
      reported: "Danke. Ein Moderator sieht sich diesen Kommentar an.",
      alreadyReported: "Sie haben diesen Kommentar bereits gemeldet.",
      reportTooQuick: "Sie senden Meldungen zu schnell. Bitte warten Sie kurz und versuchen Sie es erneut.",
      reportFailed: "Die Meldung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
    },
    es: {
      reportTitle: "¿Por qué no debería estar aquí este comentario?", reasonSpam: "Spam",
      reasonAbuse: "Ofensivo o de odio", reasonOffTopic: "No tiene que ver con el tema",
      reasonOther: "Otra cosa", reportNote: "¿Algo que añadir? (opcional)",
      sendReport: "Enviar la denuncia", cancelReport: "Cancelar",
      reportTo: "Denunciar el comentario de {name}",
      reported: "Gracias. Un moderador revisará este comentario.",
      alreadyReported: "Ya has denunciado este comentario.",
      reportTooQuick: "Estás enviando denuncias demasiado rápido. Espera un momento e inténtalo de nuevo.",
      reportFailed: "No se pudo enviar la denuncia. Inténtalo de nuevo.",
    },
    ar: {
      reportTitle: "لماذا لا ينبغي أن يكون هذا التعليق هنا؟", reasonSpam: "رسائل مزعجة",
      reasonAbuse: "مسيء أو يحض على الكراهية", reasonOffTopic: "خارج الموضوع", reasonOther: "سبب آخر",
      reportNote: "هل تريد إضافة شيء؟ (اختياري)", sendReport: "أرسل البلاغ", cancelReport: "إلغاء",
      reportTo: "الإبلاغ عن تعليق {name}",
      reported: "شكرًا لك. سيراجع أحد المشرفين هذا التعليق.",
      alreadyReported: "لقد أبلغت عن هذا التعليق من قبل.",
      reportTooQuick: "أنت ترسل البلاغات بسرعة كبيرة. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.",
      reportFailed: "تعذّر إرسال البلاغ. يُرجى المحاولة مرة أخرى.",
    },
  };
  const REPORT_REASONS = { spam: "reasonSpam", abuse: "reasonAbuse", "off-topic": "reasonOffTopic", other: "reasonOther" };

  /** The page's language for this widget: data-lang, else the nearest lang attribute. */
  function pageLanguage(script) {
    const holder = script.closest("[lang]");
    return script.dataset.lang || (holder && holder.lang) || document.documentElement.lang || "en";
  }

  function canonical(tag) {
    try {
      return Intl.getCanonicalLocales(String(tag).trim())[0];
    } catch (error) {
      return "en"; // not a language tag
    }
  }

  /** The site's wording: window.LeaveAReplyStrings by language, then this tag's data-strings. */
  function siteStrings(language, own) {
    const global = window.LeaveAReplyStrings || {};
    return { ...(global[language] || {}), ...own };
  }

  function ownStrings(script) {
    try {
      return script.dataset.strings ? JSON.parse(script.dataset.strings) : {};
    } catch (error) {
      console.warn("Leave a Reply: data-strings is not JSON; ignored.");
      return {};
    }
  }

  /** Strings, plurals, numbers and dates in one locale: the catalogue's language closest to
   * the page's (fr-CA -> fr), the site's own wording over it, English for anything missing. */
  class Words {
    constructor(tag, own = {}) {
      this.locale = canonical(tag);
      const primary = this.locale.split("-")[0].toLowerCase();
      this.language = CATALOGUE[this.locale.toLowerCase()] ? this.locale.toLowerCase() : CATALOGUE[primary] ? primary : "en";
      this.strings = {
        ...CATALOGUE.en, ...REPORT_WORDS.en, ...CATALOGUE[this.language], ...REPORT_WORDS[this.language],
        ...siteStrings(this.language, own),
      };
      this.dir = this.strings.dir || "ltr";
      this.plurals = new Intl.PluralRules(this.locale);
      this.numbers = new Intl.NumberFormat(this.locale);
      this.dates = new Intl.DateTimeFormat(this.locale, { dateStyle: "medium", timeStyle: "short" });
    }

    /** The string `key` with each {name} filled in (plain text: it goes in by textContent). */
    t(key, values = {}) {
      return this.parts(key, values).join("");
    }

    /** The string `key` as a list of pieces, a value that is a DOM node kept as a node. */
    parts(key, values = {}) {
      const text = String(this.strings[key] ?? key);
      return text.split(/(\{\w+\})/).filter(Boolean).map((piece) => {
        const name = piece.startsWith("{") && piece.endsWith("}") ? piece.slice(1, -1) : null;
        return name !== null && name in values ? values[name] : piece;
      });
    }

    count(key, n) {
      const forms = this.strings[key];
      const form = forms[`=${n}`] ?? forms[this.plurals.select(n)] ?? forms.other;
      return form.replaceAll("{n}", this.numbers.format(n));
    }

    seconds(n) {
      return new Intl.NumberFormat(this.locale, { style: "unit", unit: "second", unitDisplay: "long" }).format(n);
    }
  }

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

  function when(iso, words) {
    return el("time", { datetime: iso, text: words.dates.format(new Date(iso)) });
  }

  class Widget {
    constructor(script) {
      this.article = script.dataset.article;
      this.words = new Words(pageLanguage(script), ownStrings(script));
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
      const t = (key, values) => this.words.t(key, values);
      this.heading = el("h2", { id: id("title"), class: "lar-title", text: this.words.count("comments", 0) });
      this.list = el("ol", { class: "lar-list" });
      this.empty = el("p", { class: "lar-empty", text: t("empty") });
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
        text: t("emailHint"),
      });
      // Hidden from people (and from assistive technology); a bot that fills it is spam.
      this.honeypot = el("input", { type: "text", name: "honeypot", tabindex: -1, autocomplete: "off" });
      const trap = el("p", { class: "lar-trap", "aria-hidden": "true" }, [
        el("label", { text: t("trap") }, [this.honeypot]),
      ]);
      this.replying = el("p", { class: "lar-replying", hidden: true });
      this.submit = el("button", { type: "submit", class: "lar-submit", text: t("submit") });
      this.status = el("p", { class: "lar-status", role: "status", "aria-live": "polite" });
      this.form = el("form", { class: "lar-form", novalidate: true, "aria-labelledby": id("reply") }, [
        el("h3", { id: id("reply"), class: "lar-reply-title", text: t("leaveReply") }),
        this.replying,
        el("p", { class: "lar-notes", text: t("notes") }),
        field("content", t("labelContent"), this.fields.content),
        field("name", t("labelName"), this.fields.name),
        field("email", t("labelEmail"), this.fields.email, emailHint),
        field("url", t("labelUrl"), this.fields.url),
        trap,
        el("p", { class: "lar-actions" }, [this.submit]),
        this.status,
      ]);
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.send();
      });
      const { locale, dir } = this.words;
      return el("section", { class: "lar", lang: locale, dir, "aria-labelledby": id("title") }, [
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
        this.empty.textContent = this.words.t("loadFailed");
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
          this.announcer.textContent = this.words.t("announce", { name: data.comment.author.name });
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
        when(comment.published_at || comment.created_at, this.words),
      ]);
      const body = el("div", { class: "lar-content", text: comment.content });
      const parts = [meta];
      if (pending) {
        parts.push(el("p", { class: "lar-moderation", text: this.words.t("awaiting") }));
      }
      parts.push(body);
      if (!pending) {
        const reply = el("button", { type: "button", class: "lar-reply", text: this.words.t("reply") });
        reply.setAttribute("aria-label", this.words.t("replyTo", { name: comment.author.name }));
        reply.addEventListener("click", () => this.replyTo(comment));
        parts.push(reply, this.reportControl(comment));
      }
      return el("li", { class: `lar-comment${pending ? " lar-pending" : ""}`, "data-id": comment.id }, [
        el("article", {}, parts),
      ]);
    }

    // ----- reader reports -----

    /** The "Report" button and, once pressed, its small form: a reason, an optional note. */
    reportControl(comment) {
      const t = (key, values) => this.words.t(key, values);
      const button = el("button", { type: "button", class: "lar-report", text: t("report"), "aria-expanded": "false" });
      button.setAttribute("aria-label", t("reportTo", { name: comment.author.name }));
      const box = el("div", { class: "lar-report-box" }, [button]);
      button.addEventListener("click", () => {
        const open = box.querySelector("form");
        if (open) return open.querySelector("input").focus();
        button.setAttribute("aria-expanded", "true");
        box.append(this.reportForm(comment, button));
        box.querySelector("input").focus();
      });
      return box;
    }

    reportForm(comment, button) {
      const t = (key) => this.words.t(key);
      const name = `${this.uid}-report-${comment.id}`;
      const choices = Object.entries(REPORT_REASONS).map(([reason, key], i) =>
        el("label", { class: "lar-report-reason" }, [
          el("input", { type: "radio", name, value: reason, required: true, checked: i === 0 }), ` ${t(key)}`,
        ]));
      const note = el("textarea", { rows: 2, maxlength: 500, id: `${name}-note` });
      const status = el("p", { class: "lar-report-status", role: "status", "aria-live": "polite" });
      const send = el("button", { type: "submit", text: t("sendReport") });
      const cancel = el("button", { type: "button", text: t("cancelReport") });
      const form = el("form", { class: "lar-report-form", novalidate: true }, [
        el("fieldset", {}, [el("legend", { text: t("reportTitle") }), ...choices]),
        el("label", { for: note.id, text: t("reportNote") }), note,
        el("p", { class: "lar-actions" }, [send, cancel]), status,
      ]);
      const close = () => {
        form.remove();
        button.setAttribute("aria-expanded", "false");
        button.focus();
      };
      cancel.addEventListener("click", close);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const reason = form.querySelector("input:checked").value;
        send.disabled = true;
        const outcome = await this.report(comment.id, reason, note.value.trim());
        send.disabled = false;
        if (outcome === "reported" || outcome === "alreadyReported") {
          button.replaceWith(el("p", { class: "lar-report-done", role: "status", text: t(outcome) }));
          form.remove();
        } else {
          status.textContent = t(outcome);
        }
      });
      return form;
    }

    /** Send the report; the key of the words that tell the reader what happened. */
    async report(id, reason, note) {
      const body = note ? { reason, note } : { reason };
      try {
        const response = await fetch(`${this.api}/v1/comments/${encodeURIComponent(id)}/reports`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
        });
        if (response.status === 202) return "reported";
        const problem = await response.json().catch(() => ({}));
        if (problem.type === "/problems/already-reported") return "alreadyReported";
        return response.status === 429 ? "reportTooQuick" : "reportFailed";
      } catch (error) {
        return "reportFailed";
      }
    }

    counted() {
      const n = this.list.querySelectorAll("li.lar-comment:not(.lar-pending)").length;
      this.heading.textContent = this.words.count("comments", n);
      this.empty.hidden = this.list.children.length > 0;
    }

    // ----- writing -----

    replyTo(comment) {
      this.parentId = comment.id;
      this.replying.replaceChildren(
        el("span", {}, this.words.parts("replyingTo", { name: nameOf(comment) })),
        (() => {
          const cancel = el("button", { type: "button", class: "lar-cancel", text: this.words.t("cancelReply") });
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
      for (const [name, input] of Object.entries(this.fields)) {
        input.value = input.value.trim();
        if (!input.checkValidity() || (name === "url" && input.value && !safeUrl(input.value))) {
          invalid.push(this.fieldError(name, this.words.t(FIELD_ERRORS[name])));
        }
      }
      return invalid;
    }

    async send() {
      this.clearErrors();
      const invalid = this.checkLocally();
      if (invalid.length) {
        this.status.textContent = this.words.t("correct");
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
      this.status.textContent = this.words.t("sending");
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
        this.status.textContent = this.words.t("sendFailed");
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
      this.status.textContent = this.words.t("thanks");
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
        this.status.textContent = this.words.t("published");
      } else if (status.status === "spam" || status.status === "rejected") {
        const item = this.item(id);
        if (item) item.remove();
        this.counted();
        this.status.textContent = this.words.t("notPublished");
      } else {
        // pending: not decided yet; held: a moderator will look at it.
        if (status.status === "held") this.status.textContent = this.words.t("awaiting");
        return this.follow(id, attempt + 1);
      }
    }

    /** The API words its problems in English: shown as they are to an English page, in the
     * page's language (less precise, from the catalogue) to any other. */
    refused(response, problem) {
      const english = this.words.language === "en";
      const pointers = { "/content": "content", "/author/name": "name", "/author/email": "email", "/author/url": "url" };
      const invalid = [];
      for (const error of problem.errors || []) {
        const name = pointers[error.pointer];
        if (name) invalid.push(this.fieldError(name, english ? error.message : this.words.t(FIELD_ERRORS[name])));
      }
      const detail = english ? problem.detail || problem.title : null;
      const wait = Number(response.headers.get("Retry-After"));
      if (response.status === 429) {
        this.status.textContent = wait > 0
          ? this.words.t("tooQuickWait", { wait: this.words.seconds(wait) })
          : this.words.t("tooQuick");
      } else if (response.status === 409) {
        this.status.textContent = detail || this.words.t("duplicate");
      } else {
        this.status.textContent = detail || this.words.t("notAccepted", { status: response.status });
      }
      if (invalid.length) invalid[0].focus();
    }
  }

  // For a site's own pages (an article list with GET .../comments/count): the same words.
  window.LeaveAReply = {
    commentCount: (n, lang = document.documentElement.lang || "en") => new Words(lang).count("comments", n),
  };

  const scripts = document.currentScript && document.currentScript.dataset.article
    ? [document.currentScript]
    : [...document.querySelectorAll("script[data-article]:not([data-lar-mounted])")];
  for (const script of scripts) {
    if (script.dataset.larMounted) continue;
    script.dataset.larMounted = "1";
    new Widget(script).load();
  }
})();
