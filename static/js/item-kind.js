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
      fields.dependent.forEach(function (name) {
        document.querySelectorAll(".fieldBox.field-" + name + ", .form-row.field-" + name).forEach(function (box) {
          box.hidden = shown.indexOf(name) === -1;
        });
      });
      // A fieldset whose every field is hidden goes too.
      document.querySelectorAll("fieldset.module").forEach(function (fieldset) {
        var boxes = fieldset.querySelectorAll(".fieldBox, .form-row");
        if (!boxes.length || fieldset.closest(".inline-group")) return;
        fieldset.hidden = Array.prototype.every.call(boxes, function (box) { return box.hidden; });
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
