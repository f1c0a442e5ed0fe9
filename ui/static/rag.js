/* Citation badges: hover, focus or click a [n] badge to see its source and the quoted passage.
 *
 * The answer HTML (ui/render.py) carries, next to each badge, a hidden .rag-pop with the
 * escaped title, date, verification status and passage. This script copies that node
 * (cloneNode, never innerHTML from strings) into one floating card attached to <body>, so
 * it is not clipped by the chat's scrolling box. The card is a labelled dialog the badge
 * controls (aria-controls, aria-expanded), with a Close button; click pins it; Escape, a
 * click elsewhere or focus moving away closes it. On a narrow screen it is a sheet at the
 * bottom. It works the same in the Gradio app and in the /embed widget.
 */
(function () {
  if (window.__ragCitations) return;
  window.__ragCitations = true;
  document.documentElement.classList.add("rag-js");

  var card = null;
  var current = null;
  var pinned = false;
  var hideTimer = null;

  function ensureCard() {
    if (card) return card;
    card = document.createElement("div");
    card.id = "rag-card";
    card.className = "rag-card";
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", "Source");
    card.hidden = true;
    card.addEventListener("focusout", function (e) {
      var to = e.relatedTarget;
      if (to && (card.contains(to) || to === current)) return;
      setTimeout(function () {
        var now = document.activeElement;
        if (card && !card.hidden && !card.contains(now) && now !== current) hide();
      }, 0);
    });
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", function () { if (!pinned) scheduleHide(); });
    document.body.appendChild(card);
    return card;
  }

  function place(badge) {
    var r = badge.getBoundingClientRect();
    var sheet = window.innerWidth < 600;
    card.classList.toggle("rag-sheet", sheet);
    if (sheet) { // a sheet along the bottom edge, clear of the text it explains
      card.style.width = "";
      card.style.left = "";
      card.style.top = "";
      return;
    }
    var w = Math.min(440, window.innerWidth - 16);
    card.style.width = w + "px";
    var left = Math.max(8, Math.min(r.left - 12, window.innerWidth - w - 8));
    card.style.left = left + "px";
    card.style.top = "0px";
    var h = card.offsetHeight;
    var below = r.bottom + 6;
    var top = below + h > window.innerHeight - 8 && r.top - h - 6 > 8 ? r.top - h - 6 : below;
    card.style.top = Math.max(8, top) + "px";
  }

  function show(badge, pin) {
    var cite = badge.closest(".rag-cite");
    var pop = cite && cite.querySelector(".rag-pop");
    if (!pop) return;
    ensureCard();
    clearTimeout(hideTimer);
    if (current && current !== badge) current.classList.remove("rag-active");
    current = badge;
    pinned = !!pin;
    var copy = pop.cloneNode(true);
    copy.className = "rag-card-body";
    copy.removeAttribute("role");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "rag-card-close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "×";
    close.addEventListener("click", function () {
      var back = current;
      hide();
      refocus(back);
    });
    card.replaceChildren(close, copy);
    card.setAttribute("aria-label", badge.getAttribute("aria-label") || "Source");
    card.className = "rag-card " + (cite.classList.contains("rag-unverified") ? "rag-unverified" : "rag-verified");
    card.hidden = false;
    if (current && current !== badge) current.setAttribute("aria-expanded", "false");
    badge.classList.add("rag-active");
    badge.setAttribute("aria-expanded", "true");
    badge.setAttribute("aria-controls", "rag-card");
    place(badge);
  }

  var quiet = false; // focus returning to a badge after the card closed does not reopen it
  function refocus(badge) {
    if (!badge) return;
    quiet = true;
    badge.focus();
    quiet = false;
  }

  function hide() {
    if (!card) return;
    card.hidden = true;
    pinned = false;
    if (current) {
      current.classList.remove("rag-active");
      current.setAttribute("aria-expanded", "false");
    }
    current = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { if (!pinned) hide(); }, 250);
  }

  function badgeOf(target) {
    return target && target.closest ? target.closest(".rag-cite > .rag-badge") : null;
  }

  document.addEventListener("click", function (e) {
    var badge = badgeOf(e.target);
    if (badge) {
      e.preventDefault();
      e.stopPropagation();
      if (current === badge && pinned) hide();
      else {
        show(badge, true);
        if (e.detail === 0) { // opened from the keyboard: move into the card, Escape comes back
          var close = card.querySelector(".rag-card-close");
          if (close) close.focus();
        }
      }
      return;
    }
    if (card && !card.hidden && !card.contains(e.target)) hide();
  }, true);

  document.addEventListener("mouseover", function (e) {
    var badge = badgeOf(e.target);
    if (badge && !pinned) show(badge, false);
  });

  document.addEventListener("mouseout", function (e) {
    if (badgeOf(e.target) && !pinned) scheduleHide();
  });

  document.addEventListener("focusin", function (e) {
    var badge = badgeOf(e.target);
    if (badge && !pinned && !quiet) show(badge, false);
  });

  document.addEventListener("focusout", function (e) {
    if (!badgeOf(e.target) || !card || card.hidden) return;
    var to = e.relatedTarget;
    if (to && (card.contains(to) || badgeOf(to))) return;
    hide();
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && card && !card.hidden) {
      var back = current;
      var inside = card.contains(document.activeElement);
      hide();
      if (inside) refocus(back);
    }
  });
  window.__ragHideCard = hide;

  window.addEventListener("resize", function () { if (current && card && !card.hidden) place(current); });
  document.addEventListener("scroll", function () {
    if (current && card && !card.hidden) {
      if (!document.body.contains(current)) hide();
      else place(current);
    }
  }, true);
})();
