// Drag an item's row to a new place on a section's page. The move buttons beside each row
// do the same one step at a time without a script; this only sends the whole new order.
"use strict";
(function () {
  function ready(callback) {
    if (document.readyState !== "loading") callback();
    else document.addEventListener("DOMContentLoaded", callback);
  }

  ready(function () {
    var form = document.getElementById("section-items-form");
    if (!form || !form.dataset.reorderUrl) return;
    var body = form.querySelector("tbody");
    var dragged = null;

    Array.prototype.forEach.call(body.rows, function (row) {
      row.draggable = true;
      row.classList.add("draggable-row");
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.item);
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
      });
      row.addEventListener("dragover", function (event) {
        if (!dragged || dragged === row) return;
        event.preventDefault();
        var box = row.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        body.insertBefore(dragged, after ? row.nextSibling : row);
      });
      row.addEventListener("drop", function (event) {
        event.preventDefault();
      });
    });

    body.addEventListener("drop", function () {
      if (!dragged) return;
      dragged = null;
      var order = Array.prototype.map.call(body.rows, function (row) {
        return row.dataset.item;
      });
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("order", order.join(","));
      // The redirect is not followed, so the page reloaded next shows the message it set.
      fetch(form.dataset.reorderUrl, {
        method: "POST", body: data, credentials: "same-origin", redirect: "manual"
      })
        .then(function () { window.location.reload(); });
    });
  });
})();
