// The ICD-10-CM picker (templates/diagnoses/_picker.html). Choosing a code fills the picker's
// hidden fields and announces it; the arrow keys move between the search box and the choices.
// A file rather than inline handlers because the CSP allows scripts from 'self' only. One set
// of listeners on the document serves every picker, including ones htmx swaps in later.
(function () {
  "use strict";
  if (window.threadlineIcdPicker) {
    return; // the include can appear several times on a page
  }
  window.threadlineIcdPicker = true;

  var MOVABLE = "[data-icd-choice], [data-icd-under]";

  function pickerOf(element) {
    return element instanceof Element ? element.closest("[data-icd-picker]") : null;
  }

  function field(picker, name) {
    return picker.querySelector("[data-icd-" + name + "]");
  }

  function choose(picker, button) {
    var code = button.dataset.code;
    var description = button.dataset.description;
    var release = button.dataset.release;
    field(picker, "code").value = code;
    field(picker, "description").value = description;
    field(picker, "release").value = release;

    var chosen = field(picker, "chosen");
    var codeText = document.createElement("span");
    codeText.className = "icd-code";
    codeText.textContent = code;
    var releaseText = document.createElement("span");
    releaseText.className = "muted";
    releaseText.textContent = "(" + release + ")";
    chosen.replaceChildren(codeText, " " + description + " ", releaseText);

    var status = picker.querySelector("[role=status]");
    if (status) {
      status.textContent = "Chosen: " + code + " " + description + ".";
    }
    // A change event on the code field lets a form autosave (hx-trigger="change") as if typed.
    field(picker, "code").dispatchEvent(new Event("change", { bubbles: true }));
    picker.dispatchEvent(
      new CustomEvent("icd:chosen", {
        bubbles: true,
        detail: { code: code, description: description, release: release },
      })
    );
    field(picker, "query").focus();
  }

  function searchFor(picker, query) {
    var input = field(picker, "query");
    input.value = query;
    input.focus();
    // The search box's hx-trigger listens for "search" as well as typing.
    input.dispatchEvent(new Event("search"));
  }

  document.addEventListener("click", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) {
      return;
    }
    var choice = event.target.closest("[data-icd-choice]");
    if (choice) {
      choose(picker, choice);
      return;
    }
    var under = event.target.closest("[data-icd-under]");
    if (under) {
      searchFor(picker, under.dataset.icdUnder);
    }
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) {
      return;
    }
    var input = field(picker, "query");
    var items = Array.prototype.slice.call(picker.querySelectorAll(MOVABLE));
    var at = items.indexOf(event.target);
    var next = null;
    if (event.key === "ArrowDown") {
      next = event.target === input ? items[0] : items[at + 1];
    } else if (event.key === "ArrowUp" && at >= 0) {
      next = at === 0 ? input : items[at - 1];
    } else if (event.key === "Home" && at >= 0) {
      next = items[0];
    } else if (event.key === "End" && at >= 0) {
      next = items[items.length - 1];
    } else if (event.key === "Escape" && at >= 0) {
      next = input;
    } else if (event.key === "Enter" && event.target === input) {
      // Enter in the search box must not submit the plan or intake form around the picker.
      event.preventDefault();
      next = items[0] || null;
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });
})();
