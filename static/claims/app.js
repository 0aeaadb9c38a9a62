// Progressive enhancements; every form also works without this script.
(function () {
  "use strict";

  // Triage: j/k move, a keeps, d dismisses, u undoes, x selects the current row.
  // The cursor walks the rows still to decide; a decided row stays visible with its undo button.
  function triageKeys() {
    if (!document.querySelector("[data-triage-row]")) return;
    var current = 0;
    function open() { return Array.prototype.slice.call(document.querySelectorAll("[data-triage-row]:not([data-done])")); }
    function all() { return Array.prototype.slice.call(document.querySelectorAll("[data-triage-row]")); }
    function focus(i) {
      var rows = open();
      all().forEach(function (r) { r.classList.remove("current"); });
      if (!rows.length) return;
      current = Math.max(0, Math.min(i, rows.length - 1));
      rows[current].classList.add("current");
      rows[current].scrollIntoView({ block: "nearest" });
    }
    function press(row, action) {
      var button = row && row.querySelector("[data-action=" + action + "]");
      if (button) button.click();
    }
    var lastDecided = null;
    focus(0);
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) return;
      var row = open()[current];
      if (event.key === "j") focus(current + 1);
      else if (event.key === "k") focus(current - 1);
      else if ((event.key === "a" || event.key === "d") && row) {
        lastDecided = row.id;
        press(row, event.key === "a" ? "keep" : "dismiss");
      }
      else if (event.key === "u" && lastDecided) press(document.getElementById(lastDecided), "undo");
      else if (event.key === "x" && row) {
        var box = row.querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); }
      }
      else return;
      event.preventDefault();
    });
    // A decided (or undone) row is swapped in place: keep the cursor on the next row to decide.
    document.body.addEventListener("htmx:load", function () { focus(current); });
  }

  // Triage: the header's box selects every row of the page still to decide; the bulk bar counts the selection.
  function selectAll() {
    var all = document.querySelector("[data-select-all]");
    if (!all) return;
    var count = document.querySelector("[data-selected-count]");
    function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input[type=checkbox][name=claims]")); }
    function update() {
      var list = boxes();
      var checked = list.filter(function (box) { return box.checked; }).length;
      if (count) count.textContent = String(checked);
      all.checked = list.length > 0 && checked === list.length;
      all.indeterminate = checked > 0 && checked < list.length;
    }
    all.hidden = false;
    var selected = document.querySelector("[data-selected]");
    if (selected) selected.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      update();
    });
    document.addEventListener("change", function (event) { if (event.target.name === "claims") update(); });
    document.body.addEventListener("htmx:load", update);  // a decided row leaves the selection
    update();
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
    selectAll();
    selectionToClaim();
  });
})();
