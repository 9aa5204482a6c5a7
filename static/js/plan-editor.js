// After each autosave, put every finding back beside the field it concerns, so the messages
// under the inputs stay as live as the panel. The panel's list is the source: each item
// carries its field path and severity.
(function () {
  function placeFindings() {
    var form = document.getElementById("plan-form");
    var panel = document.getElementById("autosave");
    if (!form || !panel) return;
    form.querySelectorAll("p.finding.inline").forEach(function (old) { old.remove(); });
    form.querySelectorAll(".field.has-findings").forEach(function (field) {
      field.classList.remove("has-findings", "error", "warning", "info");
    });
    panel.querySelectorAll("li.finding[data-field]").forEach(function (item) {
      var input = document.getElementById("f-" + item.dataset.field);
      var field = input && input.closest(".field");
      if (!field) return;
      var message = document.createElement("p");
      message.className = "finding inline " + item.dataset.severity;
      message.dataset.code = item.dataset.code;
      message.textContent = item.dataset.message;
      field.appendChild(message);
      if (!field.classList.contains("has-findings")) {
        field.classList.add("has-findings", item.dataset.severity);
      }
    });
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "autosave") placeFindings();
  });
  document.addEventListener("DOMContentLoaded", placeFindings);
})();
