// Shows only the fields the chosen kind of item uses, on the item's admin page.
// The server clears and checks the others anyway (admin/forms.py): this only tidies the page.
"use strict";
(function () {
  function ready(callback) {
    if (document.readyState !== "loading") callback();
    else document.addEventListener("DOMContentLoaded", callback);
  }

  ready(function () {
    var data = document.getElementById("item-kind-fields");
    var kind = document.getElementById("id_kind");
    if (!data || !kind) return;
    var fields = JSON.parse(data.textContent);

    function toggle() {
      var shown = fields.item[kind.value] || [];
      function hidden(element) { return element.hidden; }
      fields.dependent.forEach(function (name) {
        var off = shown.indexOf(name) === -1;
        // A field sharing a row with others is a .fieldBox; a field alone is its row.
        document.querySelectorAll(".fieldBox.field-" + name).forEach(function (box) {
          box.hidden = off;
        });
        document.querySelectorAll(".form-row.field-" + name).forEach(function (row) {
          if (!row.querySelector(".fieldBox")) row.hidden = off;
        });
      });
      // A row, then a fieldset, whose every field is hidden goes too.
      document.querySelectorAll("fieldset.module .form-row").forEach(function (row) {
        var boxes = row.querySelectorAll(".fieldBox");
        if (boxes.length && !row.closest(".inline-group")) {
          row.hidden = Array.prototype.every.call(boxes, hidden);
        }
      });
      document.querySelectorAll("fieldset.module").forEach(function (fieldset) {
        var rows = fieldset.querySelectorAll(".form-row");
        if (!rows.length || fieldset.closest(".inline-group")) return;
        fieldset.hidden = Array.prototype.every.call(rows, hidden);
      });
      var columns = fields.options[kind.value];
      var group = document.getElementById("options-group");
      if (!group) return;
      group.hidden = !columns;
      group.querySelectorAll("th[class*='column-'], td[class*='field-']").forEach(function (cell) {
        var match = cell.className.match(/(?:column|field)-([a-z_]+)/);
        if (match && ["text", "text_en", "code", "order", "score", "feedback", "feedback_en", "direct_service"].indexOf(match[1]) !== -1) {
          cell.hidden = columns ? columns.indexOf(match[1]) === -1 : false;
        }
      });
    }

    kind.addEventListener("change", toggle);
    toggle();
  });
})();
