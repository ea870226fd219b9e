// The screening review's live weighted score (templates/onboarding/review.html).
// A static file rather than an inline <script>: the Content-Security-Policy allows scripts
// from 'self' only (docs/security.md). The server recomputes the score; this is a preview.
(function () {
  var total = document.getElementById("rubric-total");
  if (!total) return;
  var inputs = document.querySelectorAll("[data-weight]");
  function update() {
    var earned = 0, weights = 0, complete = true;
    inputs.forEach(function (el) {
      var w = +el.dataset.weight, max = +el.dataset.max, v = el.value === "" ? NaN : +el.value;
      weights += w;
      if (isNaN(v)) { complete = false; return; }
      earned += w * Math.min(Math.max(v, 0), max) / max;
    });
    total.textContent = complete && weights ? (earned / weights * 100).toFixed(2) : "—";
  }
  inputs.forEach(function (el) { el.addEventListener("input", update); });
  update();
})();
