/* The public site's only script; every page works without it.
   - Quick exit also answers the Escape key and leaves without adding a history entry, blanking the
     page first.
   - A page that answered a form shows the address of the page it is (data-page-url), so that Back
     or a reload asks the server again (a plain address) instead of sending the form again.
   - A slow form (a code check, sending) disables its button and says that it is working. */
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (link) {
    var leave = function (event) {
      if (event) { event.preventDefault(); }
      document.title = "";
      document.body.hidden = true;
      window.location.replace(link.href);
    };
    link.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") { leave(event); }
    });
  }
  // Forms sent with the script may be answered with the next page at once (see above).
  Array.prototype.forEach.call(document.querySelectorAll('form[method="post"]'), function (form) {
    var marker = document.createElement("input");
    marker.type = "hidden";
    marker.name = "js";
    marker.value = "1";
    form.appendChild(marker);
  });
  var pageUrl = document.body.getAttribute("data-page-url");
  if (pageUrl && window.history.replaceState) {
    window.history.replaceState(null, "", pageUrl);
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-slow-form]"), function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter || form.querySelector("button[data-busy-text]");
      if (!button || !button.hasAttribute("data-busy-text")) { return; }
      if (form.getAttribute("data-busy") === "1") { event.preventDefault(); return; }
      form.setAttribute("data-busy", "1");
      var status = form.querySelector(".busy");
      if (status) {
        status.textContent = button.getAttribute("data-busy-text");
        status.hidden = false;
      }
      // Disabled after this turn, so the button's own name still goes with the form.
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
