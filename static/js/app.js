// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Buttons marked data-print print the page (the case summary); without script they stay hidden (js-only).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Language and filter selects marked data-autosubmit submit their form on change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Forms marked data-draft-key keep what was typed in this browser until they are submitted, so a
  // dropped connection or a closed tab on a slow link does not lose a half-filled registration.
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = "draft:" + form.dataset.draftKey + ":" + window.location.pathname;
    var fields = Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "hidden" && el.type !== "submit";
    });
    var hasErrors = form.querySelector(".is-invalid, .alert-danger") !== null;
    var stored = null;
    try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    // After a validation error the server already shows what was typed; only restore into a fresh form.
    if (stored && !hasErrors) {
      fields.forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(stored, el.name) && !el.value) { el.value = stored[el.name]; }
      });
    }
    form.addEventListener("input", function () {
      var data = {};
      fields.forEach(function (el) { data[el.name] = el.value; });
      try { window.localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    });
    form.addEventListener("submit", function () {
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    });
  });
})();
