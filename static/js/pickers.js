/* Searchable pickers: Tom Select on every <select data-picker> (channelhub/pickers.py).
   "local": the page has every option; "remote": options come from data-picker-url as one types. */
(function () {
  "use strict";

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function setUp(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-picker]").forEach(function (select) {
      if (select.tomselect) return;
      var none = select.dataset.pickerNone || "";
      // The empty option ("---------") is the placeholder; a field one may leave empty gets a
      // clear button to go back to it.
      var options = {
        allowEmptyOption: false,
        plugins: select.required ? {} : { clear_button: { title: select.dataset.pickerClear || "" } },
        maxOptions: 200,
        create: false,
        render: {
          no_results: function () {
            return '<div class="no-results">' + escapeText(none) + "</div>";
          },
        },
      };
      var url = select.dataset.pickerUrl;
      if (url) {
        options.valueField = "value";
        options.labelField = "text";
        options.searchField = ["text"];
        options.placeholder = select.dataset.pickerHint || "";
        options.load = function (query, callback) {
          var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
          fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        };
        options.preload = "focus";
      }
      var picker = new TomSelect(select, options);
      // Tom Select points the <label> at its own input; the hidden <select> keeps the name too.
      var label = document.querySelector('label[for="' + picker.control_input.id + '"]');
      if (label && !select.hasAttribute("aria-label")) {
        select.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
