// Progressive enhancements; every form also works without this script.
(function () {
  "use strict";

  // Triage: j/k move, a keeps, d dismisses, x selects the current row.
  function triageKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-triage-row]"));
    if (!rows.length) return;
    var current = 0;
    function focus(i) {
      rows = Array.prototype.slice.call(document.querySelectorAll("[data-triage-row]"));
      if (!rows.length) return;
      current = Math.max(0, Math.min(i, rows.length - 1));
      rows.forEach(function (r) { r.classList.remove("current"); });
      rows[current].classList.add("current");
      rows[current].scrollIntoView({ block: "nearest" });
    }
    focus(0);
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) return;
      var row = rows[current];
      if (event.key === "j") focus(current + 1);
      else if (event.key === "k") focus(current - 1);
      else if (event.key === "a" && row) row.querySelector("[data-action=keep]").click();
      else if (event.key === "d" && row) row.querySelector("[data-action=dismiss]").click();
      else if (event.key === "x" && row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; }
      else return;
      event.preventDefault();
    });
    document.body.addEventListener("htmx:afterSwap", function () { focus(current); });
  }

  // Adding a claim: the selection in the article's text gives the exact text and its offset.
  function selectionToClaim() {
    var body = document.getElementById("article-body");
    var form = document.getElementById("add-claim-form");
    if (!body || !form) return;
    body.addEventListener("mouseup", function () {
      var selection = window.getSelection();
      if (!selection.rangeCount || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return;
      var before = document.createRange();
      before.selectNodeContents(body);
      before.setEnd(range.startContainer, range.startOffset);
      var start = before.toString().length;
      var text = range.toString();
      var trimmed = text.replace(/^\s+/, "");
      start += text.length - trimmed.length;
      form.querySelector("[name=text]").value = trimmed.replace(/\s+$/, "");
      form.querySelector("[name=start]").value = String(start);
      form.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    triageKeys();
    selectionToClaim();
  });
})();
