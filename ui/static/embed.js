/* The /embed widget: a compact chat that streams answers from /api/ask/stream.
 *
 * No cookies: when the page was opened as /embed?token=..., the token goes in an
 * Authorization header on the widget's own requests. Questions and streamed text are
 * inserted with textContent; the final answer is the server's escaped HTML
 * (ui/render.py), the same markup and badges as in the chat app (see rag.js).
 */
(function () {
  var cfg = JSON.parse(document.getElementById("rag-config").textContent);
  var token = new URLSearchParams(window.location.search).get("token");
  var log = document.getElementById("rag-log");
  var form = document.getElementById("rag-form");
  var input = document.getElementById("rag-input");
  var send = document.getElementById("rag-send");
  var history = [];
  var busy = false;

  function headers(accept) {
    var h = { "Content-Type": "application/json", "Accept": accept };
    if (token) h.Authorization = "Bearer " + token;
    return h;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function showError(body, message) {
    body.replaceChildren();
    var box = el("div", "rag-answer rag-error");
    box.appendChild(el("span", "rag-error-icon", "⚠"));
    box.appendChild(document.createTextNode(" " + message));
    body.appendChild(box);
  }

  function feedbackButtons(msg, question, answer) {
    var bar = el("div", "rag-feedback");
    [["up", "✓ Helpful", "This answer helped"], ["down", "✗ Not helpful", "This answer did not help"]].forEach(function (v) {
      var b = el("button", "rag-vote", v[1]);
      b.type = "button";
      b.title = v[2];
      b.addEventListener("click", function () {
        if (bar.dataset.voted) return;
        bar.dataset.voted = v[0];
        b.classList.add("rag-voted");
        fetch(cfg.feedback_url, {
          method: "POST",
          headers: headers("application/json"),
          body: JSON.stringify({
            vote: v[0], question: question, answer: answer.answer, channel: "embed",
            backend: answer.backend, model: answer.model,
            citations: (answer.citations || []).map(function (c) {
              return { n: c.n, doc_id: c.doc_id, title: c.title, quote: c.quote, verified: c.verified };
            })
          })
        }).then(function (r) {
          bar.appendChild(el("span", "rag-thanks", r.ok ? "Thanks!" : "Not recorded"));
        }).catch(function () { bar.appendChild(el("span", "rag-thanks", "Not recorded")); });
      });
      bar.appendChild(b);
    });
    msg.appendChild(bar);
  }

  function parseEvents(buffer, onEvent) {
    var parts = buffer.split("\n\n");
    var rest = parts.pop();
    parts.forEach(function (block) {
      var name = "message";
      var data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    });
    return rest;
  }

  async function ask(question) {
    question = (question || "").trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    var welcome = log.querySelector(".rag-welcome");
    if (welcome) welcome.remove();
    log.appendChild(el("div", "rag-msg rag-user", question));
    var msg = el("div", "rag-msg rag-bot");
    var body = el("div", "rag-body");
    body.appendChild(el("div", "rag-answer rag-thinking", "Searching the articles…"));
    msg.appendChild(body);
    log.appendChild(msg);
    scrollDown();
    var text = "";
    var answer = null;
    try {
      var res = await fetch(cfg.stream_url, {
        method: "POST",
        headers: headers("text/event-stream"),
        body: JSON.stringify({ question: question, history: history.slice(-cfg.max_history) })
      });
      if (!res.ok) {
        var err = await res.json().catch(function () { return {}; });
        showError(body, err.error || "The server answered with status " + res.status + ".");
        return;
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        buffer = parseEvents(buffer, function (name, data) {
          if (name === "delta") {
            text += data.text;
            body.replaceChildren(el("div", "rag-answer rag-streaming", text));
          } else if (name === "html") {
            body.innerHTML = data.html; // escaped by the server (ui/render.py)
          } else if (name === "answer") {
            answer = data;
          } else if (name === "error") {
            showError(body, data.error);
          }
          scrollDown();
        });
      }
      if (answer) {
        history.push({ role: "user", content: question }, { role: "assistant", content: answer.answer });
        feedbackButtons(msg, question, answer);
      }
    } catch (e) {
      showError(body, "Cannot reach the server. Check the connection and try again.");
    } finally {
      busy = false;
      send.disabled = false;
      scrollDown();
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    input.value = "";
    ask(q);
  });
  log.addEventListener("click", function (e) {
    var b = e.target.closest(".rag-example");
    if (b) ask(b.textContent);
  });
})();
