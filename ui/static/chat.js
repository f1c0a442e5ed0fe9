/* The chat, shared by the main page and the /embed widget: one client, the same controls.
 *
 * It finds the chat shell (#rag-app, written by ui/app.py and templates/embed.html) and:
 * - keeps the conversation in localStorage and sends the answered turns as `history`
 *   with each question, so it survives reloads and server restarts;
 * - streams answers from /api/ask/stream (server-sent events over fetch); the question
 *   box is never cleared by the stream; a question sent while an answer streams waits
 *   in a visible queue (one at a time); Stop aborts the request, which ends the answer
 *   on the server too;
 * - shows a failed question in the chat with Retry; error messages are plain words
 *   (server details go to the log and the operators' /status page);
 * - per answer: Copy (plain text with numbered sources and quotes), thumbs up/down that
 *   can be changed or taken back (POST /api/feedback {answer_id, vote, comment}), and an
 *   optional "what was wrong" after a thumbs-down; none on errors or placeholders;
 * - scrolls to the start of the new question, never to the bottom;
 * - "Start over" forgets the conversation; the "what is in here" panel lists the articles
 *   (/api/corpus); "Read the article" opens the reader view (/api/articles/{id}) with the
 *   quoted passages highlighted and scrolled into view.
 * Text from the server or the user is inserted with textContent; the answer markup is the
 * server's escaped HTML (ui/render.py).
 */
(function () {
  "use strict";
  if (window.__ragChat) return;
  window.__ragChat = true;

  var MAX_TURNS = 40; // kept in the browser
  var MAX_HISTORY_CHARS = 16000; // sent with a question (the server's limit is 20,000)
  var MSG = {
    unreachable: "Could not reach the server. Your question is kept: check the connection and try again.",
    unavailable: "The assistant cannot answer right now. The problem was logged for the people who run it; please try again in a while.",
    notAllowed: "This page is not allowed to use the assistant. Ask the people who run it for an access link.",
    tooLong: "The question is too long. Please shorten it.",
    busy: "The assistant is busy. Please try again in a moment.",
    stopped: "Stopped. You can ask again.",
    interrupted: "The answer was interrupted (the page was closed or reloaded).",
    queued: "Will be asked when this answer finishes:",
    queueFull: "A question is already waiting. Press Stop to ask a new one now.",
    copied: "Copied",
    copyFailed: "Could not copy",
    gone: "This answer is no longer on the server, so the vote was not recorded.",
    voteFailed: "The vote could not be recorded. Try again.",
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function button(cls, text, label) {
    var b = el("button", cls, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  /* A thumb drawn as SVG: no emoji font needed (headless and minimal systems have none). */
  var SVG = "http://www.w3.org/2000/svg";
  function thumb(down) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M7 10v11H3V10h4zm2 11h8.3a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 18.7 10H14l.8-4.2A1.8 1.8 0 0 0 13 3.7L9 10v11z");
    path.setAttribute("fill", "currentColor");
    if (down) svg.setAttribute("transform", "rotate(180)");
    svg.appendChild(path);
    return svg;
  }

  /* Server messages are shown only when they are plain words, never paths, settings or commands. */
  function plain(message) {
    if (!message || typeof message !== "string") return null;
    if (/`|RAG_|OPENAI_|CHROMA_|https?:|\/[\w.-]+\/|\brag (ingest|serve|status)|\.env|--\w|\\/.test(message)) return null;
    return message;
  }

  function errorText(status, message) {
    if (status === 400 || status === 422) return plain(message) || "The question cannot be answered as typed.";
    if (status === 401 || status === 403) return MSG.notAllowed;
    if (status === 413) return MSG.tooLong;
    if (status === 429) return plain(message) || MSG.busy;
    return MSG.unavailable;
  }

  function Chat(root) {
    this.root = root;
    var cfgNode = document.getElementById("rag-config");
    var cfg = cfgNode ? JSON.parse(cfgNode.textContent) : {};
    var base = cfg.stream_url ? cfg.stream_url.replace(/\/api\/ask\/stream.*$/, "") : "";
    this.urls = {
      stream: cfg.stream_url || base + "api/ask/stream?html=true",
      feedback: cfg.feedback_url || base + "api/feedback",
      corpus: base + (base ? "/" : "") + "api/corpus",
      article: base + (base ? "/" : "") + "api/articles/",
    };
    if (!cfg.stream_url) { // the main page, mounted at the site root or below a proxy prefix
      var here = window.location.pathname.replace(/[^/]*$/, "");
      this.urls = {
        stream: here + "api/ask/stream?html=true",
        feedback: here + "api/feedback",
        corpus: here + "api/corpus",
        article: here + "api/articles/",
      };
    }
    this.maxHistory = cfg.max_history || 20;
    this.token = new URLSearchParams(window.location.search).get("token");
    this.surface = root.dataset.surface || "chat";
    this.key = "rag-chat-v1:" + this.surface;
    this.log = root.querySelector(".rag-log");
    this.welcome = root.querySelector(".rag-welcome");
    this.form = root.querySelector(".rag-form");
    this.input = root.querySelector(".rag-input");
    this.send = root.querySelector(".rag-send");
    this.stopButton = root.querySelector(".rag-stop");
    this.status = root.querySelector(".rag-status");
    this.queueBox = root.querySelector(".rag-queue");
    this.turns = this.load();
    this.busy = null; // {turn, controller}
    this.queued = null;
    this.corpus = null;
    this.bind();
    this.renderAll();
    this.loadCorpus();
    var self = this;
    this.fit();
    setTimeout(function () { self.fit(); }, 300);
    setTimeout(function () { self.fit(); }, 1500);
    window.addEventListener("resize", function () { self.fit(); });
  }

  Chat.prototype.headers = function (accept) {
    var h = { "Content-Type": "application/json", "Accept": accept };
    if (this.token) h.Authorization = "Bearer " + this.token;
    return h;
  };

  // -- storage ------------------------------------------------------------------------------
  Chat.prototype.load = function () {
    try {
      var turns = JSON.parse(window.localStorage.getItem(this.key) || "[]");
      if (!Array.isArray(turns)) return [];
      turns.forEach(function (t) { if (t.status === "pending") { t.status = "stopped"; t.error = MSG.interrupted; } });
      return turns;
    } catch (e) { return []; }
  };

  Chat.prototype.save = function () {
    var turns = this.turns.slice(-MAX_TURNS);
    try {
      window.localStorage.setItem(this.key, JSON.stringify(turns));
    } catch (e) { // full: keep fewer answers' markup
      try {
        window.localStorage.setItem(this.key, JSON.stringify(turns.slice(-10)));
      } catch (e2) { /* storage unavailable: the chat still works for this page view */ }
    }
  };

  Chat.prototype.history = function (upTo) {
    var out = [];
    for (var i = 0; i < this.turns.length && this.turns[i] !== upTo; i++) {
      var t = this.turns[i];
      if (t.status === "done" && t.answer) {
        out.push({ role: "user", content: t.q }, { role: "assistant", content: t.answer.answer });
      }
    }
    out = out.slice(-this.maxHistory);
    var total = 0; // the server refuses a conversation longer than its limit: send the latest that fit
    for (var k = out.length - 1; k >= 0; k--) {
      total += out[k].content.length;
      if (total > MAX_HISTORY_CHARS) return out.slice(k + 1 + ((k + 1) % 2)); // whole exchanges only
    }
    return out;
  };

  // -- rendering --------------------------------------------------------------------------------
  Chat.prototype.renderAll = function () {
    this.log.querySelectorAll(".rag-turn").forEach(function (n) { n.remove(); });
    var self = this;
    this.turns.forEach(function (t) { self.renderTurn(t); });
    this.welcome.hidden = this.turns.length > 0;
    this.root.classList.toggle("rag-has-turns", this.turns.length > 0);
  };

  Chat.prototype.renderTurn = function (turn) {
    var node = turn.node;
    if (!node || !node.isConnected) {
      node = el("div", "rag-turn");
      var q = el("div", "rag-msg rag-user");
      q.appendChild(el("span", "rag-sr", "You asked: "));
      q.appendChild(el("span", "rag-question", turn.q));
      node.appendChild(q);
      node.appendChild(el("div", "rag-msg rag-bot"));
      this.log.appendChild(node);
      Object.defineProperty(turn, "node", { value: node, writable: true, enumerable: false, configurable: true });
    }
    var bot = node.querySelector(".rag-bot");
    bot.replaceChildren();
    bot.appendChild(el("span", "rag-sr", "Answer: "));
    if (turn.status === "pending") {
      if (turn.partial) {
        var s = el("div", "rag-answer rag-streaming");
        s.appendChild(el("p", "rag-text", turn.partial));
        bot.appendChild(s);
      } else {
        bot.appendChild(el("div", "rag-answer rag-thinking", "Searching the articles…"));
      }
      return;
    }
    if (turn.status === "done") {
      var holder = el("div", "rag-answer-html");
      holder.innerHTML = turn.html || ""; // escaped by the server (ui/render.py)
      bot.appendChild(holder);
      this.fillDates(holder);
      bot.appendChild(this.actions(turn));
      return;
    }
    // error, unreachable, stopped: the question stays, with a way to ask again
    if (turn.partial) {
      var p = el("div", "rag-answer rag-partial");
      p.appendChild(el("p", "rag-text", turn.partial));
      bot.appendChild(p);
    }
    var box = el("div", "rag-answer rag-problem");
    box.setAttribute("role", turn.status === "stopped" ? "status" : "alert");
    box.appendChild(el("span", "rag-problem-text", turn.error || MSG.unavailable));
    var retry = button("rag-action rag-retry", "Ask again");
    var self = this;
    retry.addEventListener("click", function () { self.ask(turn.q, turn); });
    box.appendChild(retry);
    bot.appendChild(box);
  };

  Chat.prototype.actions = function (turn) {
    var self = this;
    var bar = el("div", "rag-actions");
    var copy = button("rag-action rag-copy", "Copy", "Copy the answer with its sources");
    var copied = el("span", "rag-action-note");
    copied.setAttribute("role", "status");
    copy.addEventListener("click", function () {
      self.copy(turn).then(function (ok) {
        copied.textContent = ok ? MSG.copied : MSG.copyFailed;
        setTimeout(function () { copied.textContent = ""; }, 2500);
      });
    });
    bar.appendChild(copy);
    bar.appendChild(copied);
    if (turn.answer && turn.answer.id) {
      var group = el("div", "rag-feedback");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Was this answer helpful?");
      var up = button("rag-vote rag-vote-up", null, "Helpful");
      var down = button("rag-vote rag-vote-down", null, "Not helpful");
      up.appendChild(thumb(false));
      down.appendChild(thumb(true));
      var note = el("span", "rag-action-note rag-vote-note");
      note.setAttribute("role", "status");
      var why = el("form", "rag-why");
      why.hidden = turn.vote !== "down" || !!turn.commentSent;
      var whyId = "rag-why-" + Math.random().toString(36).slice(2);
      var whyLabel = el("label", "rag-why-label", "What was wrong? (optional)");
      whyLabel.htmlFor = whyId;
      var whyText = el("textarea", "rag-why-text");
      whyText.id = whyId;
      whyText.maxLength = 1000;
      whyText.rows = 2;
      var whySend = el("button", "rag-action rag-why-send", "Send");
      whySend.type = "submit";
      why.append(whyLabel, whyText, whySend);
      var sync = function () {
        up.setAttribute("aria-pressed", String(turn.vote === "up"));
        down.setAttribute("aria-pressed", String(turn.vote === "down"));
      };
      sync();
      var vote = function (value) {
        var next = turn.vote === value ? null : value;
        self.vote(turn, next, null).then(function (res) {
          if (!res.ok) { note.textContent = res.message; return; }
          turn.vote = next;
          turn.commentSent = false;
          self.save();
          sync();
          why.hidden = next !== "down";
          note.textContent = next === null ? "Vote taken back." : "Thanks, recorded.";
          if (next === "down") whyText.focus();
        });
      };
      up.addEventListener("click", function () { vote("up"); });
      down.addEventListener("click", function () { vote("down"); });
      why.addEventListener("submit", function (e) {
        e.preventDefault();
        var comment = whyText.value.trim();
        if (!comment) { why.hidden = true; return; }
        self.vote(turn, "down", comment).then(function (res) {
          if (!res.ok) { note.textContent = res.message; return; }
          turn.commentSent = true;
          self.save();
          why.hidden = true;
          note.textContent = "Thanks, your note was recorded.";
        });
      });
      group.append(up, down, note);
      bar.appendChild(group);
      bar.appendChild(why);
    }
    return bar;
  };

  Chat.prototype.vote = function (turn, vote, comment) {
    return fetch(this.urls.feedback, {
      method: "POST",
      headers: this.headers("application/json"),
      body: JSON.stringify({ answer_id: turn.answer.id, vote: vote, comment: comment }),
    }).then(function (r) {
      if (r.ok) return { ok: true };
      return { ok: false, message: r.status === 404 ? MSG.gone : MSG.voteFailed };
    }).catch(function () { return { ok: false, message: MSG.voteFailed }; });
  };

  Chat.prototype.fillDates = function (scope) {
    if (!this.corpus) return;
    var byId = this.corpus.byId;
    scope.querySelectorAll(".rag-date[data-doc]").forEach(function (n) {
      var a = byId[n.getAttribute("data-doc")];
      n.textContent = a ? a.date_label : "";
    });
  };

  // -- copy -------------------------------------------------------------------------------------
  Chat.prototype.markdown = function (turn) {
    var a = turn.answer || {};
    var lines = [a.answer || ""];
    if (a.notice) lines.push("", "(" + a.notice + ")");
    var sources = a.sources || [];
    if (sources.length) {
      lines.push("", "Sources:");
      sources.forEach(function (s) {
        lines.push("[" + s.n + "] " + (s.title || s.doc_id) + " (" + (s.date_label || s.published || "date not stated") + ")");
        var quotes = (a.citations || []).filter(function (c) { return c.n === s.n; });
        var seen = {};
        quotes.forEach(function (c) {
          if (seen[c.quote]) return;
          seen[c.quote] = true;
          lines.push("    > " + c.quote + (c.verified ? "" : " (not verified)"));
        });
        if (!quotes.length) (s.quotes || []).forEach(function (q) { lines.push("    > " + q.text); });
      });
    }
    return "Q: " + turn.q + "\n\n" + lines.join("\n");
  };

  Chat.prototype.copy = function (turn) {
    var text = this.markdown(turn);
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  };

  function fallbackCopy(text) {
    var area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "rag-offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  // -- asking -----------------------------------------------------------------------------------
  Chat.prototype.setBusy = function (busy) {
    this.root.classList.toggle("rag-busy", !!busy);
    this.stopButton.hidden = !busy;
    this.send.textContent = busy ? "Queue" : "Ask";
    this.send.setAttribute("aria-label", busy ? "Ask after this answer" : "Ask");
  };

  Chat.prototype.say = function (text) {
    this.status.textContent = text || "";
  };

  Chat.prototype.showQueue = function () {
    var self = this;
    this.queueBox.replaceChildren();
    this.queueBox.hidden = !this.queued;
    this.fit();
    if (!this.queued) return;
    this.queueBox.appendChild(el("span", "rag-queue-label", MSG.queued + " "));
    this.queueBox.appendChild(el("q", "rag-queue-text", this.queued));
    var cancel = button("rag-action rag-queue-cancel", "Cancel", "Cancel the waiting question");
    cancel.addEventListener("click", function () {
      self.input.value = self.queued;
      self.queued = null;
      self.showQueue();
      self.input.focus();
    });
    this.queueBox.appendChild(cancel);
  };

  Chat.prototype.submit = function (text) {
    var q = (text || "").trim();
    if (!q) { this.say("Please type a question."); this.input.focus(); return; }
    if (this.busy) {
      if (this.queued) { this.say(MSG.queueFull); return; } // the text stays in the box
      this.queued = q;
      this.input.value = "";
      this.showQueue();
      this.say("");
      return;
    }
    this.input.value = "";
    this.say("");
    this.ask(q);
  };

  /* The start of the new question at the top of the conversation (never the bottom of a long answer). */
  Chat.prototype.scrollTo = function (node) {
    if (!node) return;
    var log = this.log;
    if (log.scrollHeight > log.clientHeight + 1) {
      log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    } else if (node.scrollIntoView) {
      node.scrollIntoView({ block: "nearest" });
    }
  };

  /* Main page: the conversation scrolls in a box that leaves the question box on screen. */
  Chat.prototype.fit = function () {
    if (this.surface !== "chat") return;
    var top = this.log.getBoundingClientRect().top + window.scrollY;
    var bar = this.root.querySelector(".rag-bar");
    var below = this.form.offsetHeight + (bar ? bar.offsetHeight : 0) + this.queueBox.offsetHeight + 16;
    this.log.style.maxHeight = Math.max(200, window.innerHeight - top - below) + "px";
  };

  Chat.prototype.ask = function (q, turn) {
    var self = this;
    if (this.busy) return;
    if (!turn) {
      turn = { q: q, status: "pending", ts: Date.now() };
      this.turns.push(turn);
    } else {
      turn.status = "pending";
      turn.error = null;
      turn.partial = "";
    }
    this.welcome.hidden = true;
    this.root.classList.add("rag-has-turns");
    this.renderTurn(turn);
    this.save();
    this.scrollTo(turn.node);
    var controller = new AbortController();
    this.busy = { turn: turn, controller: controller };
    this.setBusy(true);
    var history = this.history(turn);
    var finish = function () {
      self.busy = null;
      self.setBusy(false);
      self.save();
      if (self.turns.indexOf(turn) >= 0) self.renderTurn(turn); // not when the user started over
      if (self.queued) {
        var next = self.queued;
        self.queued = null;
        self.showQueue();
        self.ask(next);
      }
    };
    fetch(this.urls.stream, {
      method: "POST",
      headers: this.headers("text/event-stream"),
      body: JSON.stringify({ question: q, history: history }),
      signal: controller.signal,
    }).then(function (res) {
      if (!res.ok) {
        return res.json().catch(function () { return {}; }).then(function (err) {
          turn.status = "error";
          turn.error = errorText(res.status, err.error);
        });
      }
      return self.read(res, turn);
    }).catch(function (e) {
      if (controller.signal.aborted) {
        turn.status = "stopped";
        turn.error = MSG.stopped;
      } else {
        turn.status = "unreachable";
        turn.error = MSG.unreachable;
      }
    }).then(finish);
  };

  Chat.prototype.read = function (res, turn) {
    var self = this;
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var html = null;
    var gotAnswer = false;
    var pump = function () {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (!gotAnswer && turn.status === "pending") {
            turn.status = "unreachable";
            turn.error = MSG.unreachable;
          }
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var parts = buffer.split("\n\n");
        buffer = parts.pop();
        parts.forEach(function (block) {
          var name = "message";
          var data = [];
          block.split("\n").forEach(function (line) {
            if (line.indexOf("event:") === 0) name = line.slice(6).trim();
            else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
          });
          if (!data.length) return;
          var payload = JSON.parse(data.join("\n"));
          if (name === "delta") {
            turn.partial = (turn.partial || "") + payload.text;
            self.streamText(turn);
          } else if (name === "html") {
            html = payload.html;
          } else if (name === "answer") {
            gotAnswer = true;
            turn.status = "done";
            turn.html = html || "";
            turn.answer = slim(payload);
            turn.partial = "";
            self.badge(payload);
          } else if (name === "error") {
            turn.status = "error";
            turn.error = errorText(payload.status || 500, payload.error);
          }
        });
        return pump();
      });
    };
    return pump();
  };

  /* Streamed text goes into the existing node (textContent): no re-render, no jump. */
  Chat.prototype.streamText = function (turn) {
    var bot = turn.node && turn.node.querySelector(".rag-bot");
    if (!bot) return;
    var p = bot.querySelector(".rag-streaming .rag-text");
    if (!p) {
      bot.replaceChildren(el("span", "rag-sr", "Answer: "));
      var box = el("div", "rag-answer rag-streaming");
      p = el("p", "rag-text");
      box.appendChild(p);
      bot.appendChild(box);
    }
    p.textContent = turn.partial;
  };

  /* What the browser keeps of an answer: enough to copy it, vote on it and open its sources. */
  function slim(a) {
    return {
      id: a.id,
      answer: a.answer,
      refused: a.refused,
      backend: a.backend,
      model: a.model,
      notice: a.notice || "",
      sources: (a.sources || []).map(function (s) {
        return { n: s.n, doc_id: s.doc_id, title: s.title, published: s.published, quotes: s.quotes };
      }),
      citations: (a.citations || []).map(function (c) {
        return { n: c.n, doc_id: c.doc_id, quote: c.quote, start: c.start, end: c.end, verified: c.verified };
      }),
    };
  }

  /* The header's backend badge: degraded when another route than the configured one answered. */
  Chat.prototype.badge = function (answer) {
    var badge = document.getElementById("rag-backend");
    if (!badge) return;
    if (!badge.dataset.normal) badge.dataset.normal = badge.textContent;
    if (answer.notice) {
      badge.classList.add("rag-degraded");
      badge.textContent = "Offline fallback: the language model is unavailable";
      badge.title = answer.notice;
    } else {
      badge.classList.remove("rag-degraded");
      badge.textContent = badge.dataset.normal;
      badge.removeAttribute("title");
    }
  };

  Chat.prototype.stop = function () {
    if (this.busy) this.busy.controller.abort();
  };

  Chat.prototype.startOver = function () {
    this.stop();
    this.queued = null;
    this.showQueue();
    this.turns = [];
    this.save();
    this.renderAll();
    this.say("Started over. The earlier conversation is forgotten.");
    this.input.focus();
  };

  // -- what is in here ---------------------------------------------------------------------------
  Chat.prototype.loadCorpus = function () {
    var self = this;
    var panel = this.root.querySelector(".rag-corpus");
    fetch(this.urls.corpus, { headers: this.headers("application/json") }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) return;
      self.corpus = { byId: {} };
      data.articles.forEach(function (a) { self.corpus.byId[a.doc_id] = a; });
      self.fillDates(self.log);
      if (!panel) return;
      var summary = panel.querySelector(".rag-corpus-count");
      if (summary) summary.textContent = data.count + (data.count === 1 ? " news article" : " news articles");
      var list = panel.querySelector(".rag-corpus-list");
      list.replaceChildren();
      data.articles.forEach(function (a) {
        var li = el("li");
        var open = button("rag-corpus-title", a.title);
        open.dataset.doc = a.doc_id;
        open.classList.add("rag-read");
        li.appendChild(open);
        li.appendChild(el("span", "rag-src-meta", a.date_label));
        list.appendChild(li);
      });
      panel.hidden = false;
    }).catch(function () { /* the panel stays hidden */ });
  };

  // -- the reader view ---------------------------------------------------------------------------
  Chat.prototype.quotesFor = function (docId, start, end) {
    var spans = [];
    if (start !== null && end !== null && !isNaN(start) && !isNaN(end)) spans.push([start, end]);
    this.turns.forEach(function (t) {
      if (!t.answer) return;
      (t.answer.sources || []).forEach(function (s) {
        if (s.doc_id !== docId) return;
        (s.quotes || []).forEach(function (q) { spans.push([q.start, q.end]); });
      });
    });
    return spans;
  };

  Chat.prototype.openArticle = function (docId, start, end, opener) {
    var self = this;
    var focusStart = start;
    var spans = [];
    if (start !== null) spans = this.quotesFor(docId, start, end);
    var dialog = readerDialog();
    dialog.opener = opener;
    dialog.title.textContent = "Loading the article…";
    dialog.meta.textContent = "";
    dialog.body.replaceChildren();
    dialog.show();
    fetch(this.urls.article + encodeURIComponent(docId), { headers: this.headers("application/json") }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      if (!res.ok) {
        dialog.title.textContent = "Article not available";
        dialog.body.appendChild(el("p", null, plain(res.data.error) || MSG.unavailable));
        return;
      }
      var a = res.data;
      dialog.title.textContent = a.title;
      dialog.meta.textContent = a.date_label + (spans.length ? " · quoted passages are highlighted" : "");
      var first = renderArticle(dialog.body, a.text, spans, focusStart);
      if (first) {
        first.scrollIntoView({ block: "center" });
      }
    }).catch(function () {
      dialog.title.textContent = "Article not available";
      dialog.body.appendChild(el("p", null, MSG.unreachable.replace(" Your question is kept:", "")));
    });
  };

  /* Paragraphs of the article with the quoted spans in <mark>; returns the mark to scroll to. */
  function renderArticle(container, text, spans, focusStart) {
    spans = spans.filter(function (s) { return s[0] >= 0 && s[1] > s[0] && s[1] <= text.length; });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    var target = null;
    var firstMark = null;
    var pos = 0;
    var para = el("p");
    container.appendChild(para);
    function addText(from, to) {
      var chunk = text.slice(from, to);
      var pieces = chunk.split(/\n\s*\n/);
      pieces.forEach(function (piece, i) {
        if (i > 0) { para = el("p"); container.appendChild(para); }
        if (piece) para.appendChild(document.createTextNode(piece));
      });
    }
    merged.forEach(function (s) {
      addText(pos, s[0]);
      var mark = el("mark", "rag-quote", text.slice(s[0], s[1]));
      para.appendChild(mark);
      if (!firstMark) firstMark = mark;
      if (focusStart !== null && s[0] <= focusStart && focusStart < s[1]) target = mark;
      pos = s[1];
    });
    addText(pos, text.length);
    return target || firstMark;
  }

  var reader = null;
  function readerDialog() {
    if (reader) return reader;
    var overlay = el("div", "rag-reader-backdrop");
    overlay.hidden = true;
    var box = el("div", "rag-reader");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "rag-reader-title");
    box.id = "rag-reader";
    var head = el("div", "rag-reader-head");
    var title = el("h2", "rag-reader-title");
    title.id = "rag-reader-title";
    var close = button("rag-reader-close", "Close", "Close the article");
    head.append(title, close);
    var meta = el("p", "rag-reader-meta");
    var body = el("div", "rag-reader-body");
    body.tabIndex = 0;
    body.setAttribute("aria-label", "Article text");
    box.append(head, meta, body);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
    reader = {
      overlay: overlay, box: box, title: title, meta: meta, body: body, opener: null,
      show: function () {
        overlay.hidden = false;
        document.documentElement.classList.add("rag-reading");
        close.focus();
      },
      hide: function () {
        overlay.hidden = true;
        document.documentElement.classList.remove("rag-reading");
        if (reader.opener && reader.opener.isConnected) reader.opener.focus();
      },
    };
    close.addEventListener("click", function () { reader.hide(); });
    overlay.addEventListener("click", function (e) { if (e.target === overlay) reader.hide(); });
    overlay.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.stopPropagation(); reader.hide(); }
      if (e.key === "Tab") { // keep focus inside the dialog
        var items = [close, body];
        var i = items.indexOf(document.activeElement);
        if (e.shiftKey && i <= 0) { e.preventDefault(); items[items.length - 1].focus(); }
        else if (!e.shiftKey && i === items.length - 1) { e.preventDefault(); items[0].focus(); }
      }
    });
    return reader;
  }

  // -- events ----------------------------------------------------------------------------------------
  Chat.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("submit", function (e) {
      e.preventDefault();
      self.submit(self.input.value);
    });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        self.submit(self.input.value);
      }
    });
    this.stopButton.addEventListener("click", function () { self.stop(); });
    var again = this.root.querySelector(".rag-new");
    if (again) again.addEventListener("click", function () { self.startOver(); });
    this.root.addEventListener("click", function (e) {
      var ex = e.target.closest(".rag-example");
      if (ex && self.root.contains(ex)) { self.submit(ex.textContent); return; }
    });
    // "Read the article" buttons live in answers, in the corpus panel and in the floating card
    document.addEventListener("click", function (e) {
      var read = e.target.closest && e.target.closest(".rag-read");
      if (!read) return;
      e.preventDefault();
      var s = read.getAttribute("data-start");
      var en = read.getAttribute("data-end");
      self.openArticle(read.getAttribute("data-doc"), s === null ? null : +s, en === null ? null : +en, read);
    });
    window.addEventListener("storage", function (e) { // another tab changed the conversation
      if (e.key === self.key && !self.busy) { self.turns = self.load(); self.renderAll(); }
    });
  };

  function start() {
    var root = document.getElementById("rag-app");
    if (!root || root.__ragChat) return !!root;
    root.__ragChat = new Chat(root);
    window.ragChat = root.__ragChat;
    return true;
  }

  // The main page is rendered by Gradio after this script runs: wait for the shell.
  if (!start()) {
    var observer = new MutationObserver(function () { if (start()) observer.disconnect(); });
    var watch = function () { observer.observe(document.body, { childList: true, subtree: true }); start(); };
    if (document.body) watch(); else document.addEventListener("DOMContentLoaded", watch);
  }
})();
