// "Copy" buttons beside a read-only link (templates/onboarding/campaign_form.html):
// <button data-copy-target="input-id" data-copied-text="Copied">. A static file rather than an
// inline <script>: the Content-Security-Policy allows scripts from 'self' only (docs/security.md).
(function () {
  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    // Plain http (a demo on a LAN address): the old way, on the selected text.
    input.focus();
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copyTarget);
    if (!input) return;
    var label = button.querySelector("span") || button;
    var original = label.textContent;
    var status = document.querySelector("[data-copy-status]");
    button.addEventListener("click", function () {
      copyText(input).then(
        function () {
          label.textContent = button.dataset.copiedText || original;
          if (status) status.textContent = button.dataset.copiedText || "";
          window.setTimeout(function () { label.textContent = original; }, 2000);
        },
        function () {
          // The browser refused: leave the link selected, so Ctrl+C / long-press copies it.
          input.focus();
          input.select();
        }
      );
    });
  });
})();
