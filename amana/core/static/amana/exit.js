/* Quick exit: the link works without script; with script it also answers the Escape key and
   leaves without adding a history entry, blanking the page first. */
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.title = "";
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
})();
