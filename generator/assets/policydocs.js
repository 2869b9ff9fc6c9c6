/* policydocs: permalink buttons copy the link to their anchor. Generated file; edit
   generator/assets/policydocs.js.

   Without this script (or without a clipboard) each button stays what it is in the HTML: a plain
   link to the anchor. The listener sits on the document, so it keeps working when a theme swaps
   the page content in place (Material's navigation.instant). */
(function () {
  "use strict";

  var COPIED = "policydocs-copied";

  function permalink(button) {
    // Absolute link from site_url when the site knows it, else the link the browser resolved.
    return button.getAttribute("data-permalink") || button.href;
  }

  function copied(button) {
    button.classList.add(COPIED);
    window.setTimeout(function () {
      button.classList.remove(COPIED);
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element ? target.closest("a.policydocs-permalink") : null;
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    if (!navigator.clipboard || !window.isSecureContext) {
      return; // follow the link, as without the script
    }
    event.preventDefault();
    var here = button.getAttribute("href");
    navigator.clipboard.writeText(permalink(button)).then(
      function () {
        copied(button);
        if (here.charAt(0) === "#") {
          window.history.replaceState(null, "", here);
        }
      },
      function () {
        window.location.href = button.href;
      }
    );
  });
})();
