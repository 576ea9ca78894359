// Progressive enhancements of the timeline pages. Every feature here has a plain
// HTML fallback: the axis bars are links, the copy button is hidden without script.
(function () {
  "use strict";

  // --- Drag across the axis bars to zoom to a range -------------------------
  // A press on one bar and a release on another fills the form's From and To
  // fields and submits it, so the range goes through the same htmx request and
  // URL push as any other filter. A press and release on one bar is a click.
  var drag = null;
  var suppressClick = false;

  function barAt(x, y) {
    var el = document.elementFromPoint(x, y);
    return el && el.closest ? el.closest(".bars a[data-from]") : null;
  }

  function bars() {
    return Array.prototype.slice.call(document.querySelectorAll(".bars a[data-from]"));
  }

  function paint(from, to) {
    var all = bars();
    var i = all.indexOf(from), j = all.indexOf(to);
    var lo = Math.min(i, j), hi = Math.max(i, j);
    all.forEach(function (a, k) { a.classList.toggle("in-range", k >= lo && k <= hi); });
  }

  document.addEventListener("pointerdown", function (e) {
    if (e.button !== 0) return;
    var bar = e.target.closest && e.target.closest(".bars a[data-from]");
    if (!bar) return;
    drag = { start: bar, end: bar };
  });

  document.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var bar = barAt(e.clientX, e.clientY);
    if (bar && bar !== drag.end) {
      drag.end = bar;
      paint(drag.start, drag.end);
    }
  });

  document.addEventListener("pointerup", function () {
    if (!drag) return;
    var d = drag;
    drag = null;
    if (d.start === d.end) return;
    suppressClick = true;
    var all = bars();
    var first = all.indexOf(d.start) < all.indexOf(d.end) ? d.start : d.end;
    var last = first === d.start ? d.end : d.start;
    zoomTo(first.dataset.from, last.dataset.to);
  });

  document.addEventListener("pointercancel", function () {
    drag = null;
    bars().forEach(function (a) { a.classList.remove("in-range"); });
  });

  document.addEventListener("click", function (e) {
    if (suppressClick && e.target.closest && e.target.closest(".bars")) {
      e.preventDefault();
      e.stopPropagation();
    }
    suppressClick = false;
  }, true);

  function zoomTo(from, to) {
    var form = document.querySelector("form.filters");
    if (!form) return;
    form.querySelector("[name=from]").value = from;
    form.querySelector("[name=to]").value = to;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // --- Tell screen readers what a swap changed ------------------------------
  document.addEventListener("htmx:afterSettle", function (e) {
    var heading = document.getElementById("heading");
    var status = document.getElementById("status");
    if (heading && status && e.target && e.target.id === "view") {
      status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
      document.title = heading.firstChild.textContent.trim() + " · News timeline";
      // The link that was activated is gone with the old view: keep keyboard users
      // in place by focusing the new heading rather than the start of the page.
      if (!document.activeElement || document.activeElement === document.body) {
        heading.focus({ preventScroll: true });
      }
    }
  });

  // --- Copy a permalink -------------------------------------------------------
  function copied(button, message) {
    var status = document.getElementById("status");
    button.textContent = message;
    if (status) status.textContent = message;
    setTimeout(function () { button.textContent = "Copy link"; }, 2000);
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var url = button.dataset.copy;
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(
            function () { copied(button, "Link copied"); },
            function () { fallbackCopy(button, url); });
        } else {
          fallbackCopy(button, url);
        }
      });
    });
  }

  function fallbackCopy(button, url) {
    var field = document.createElement("input");
    field.value = url;
    field.setAttribute("aria-hidden", "true");
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(field);
    copied(button, ok ? "Link copied" : "Copy failed: " + url);
  }

  // --- The article page: focus the passage the URL names ----------------------
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^p-\d+$/.test(id)) return;
    var passage = document.getElementById(id);
    if (passage) {
      passage.focus({ preventScroll: true });
      passage.scrollIntoView({ block: "center" });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons();
    focusTarget();
  });
  window.addEventListener("hashchange", focusTarget);
})();
