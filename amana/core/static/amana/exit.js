/* The public site's only script; every page works without it.
   - Quick exit also answers the Escape key and leaves without adding a history entry, blanking the
     page first.
   - A page that answered a form shows the address of the page it is (data-page-url), so that Back
     or a reload asks the server again (a plain address) instead of sending the form again.
   - A slow form (a code check, sending) disables its button and says that it is working.
   - A report's steps that came on one page are shown one at a time: "Next" shows the following
     step at once (with its own address, so that Back comes back to the step before) and only the
     last one sends them all. A step not complete yet, or whose answers change what follows (danger
     now), is sent at once, so that the server answers it as it would without the script. Without
     the script every step shows and one "Next" at the end sends them all (the style sheet hides
     the other steps' buttons until the page is marked as scripted). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
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
    window.history.replaceState({ part: 0 }, "", pageUrl);
  }
  var parts = Array.prototype.slice.call(document.querySelectorAll("[data-step-part]"));
  if (parts.length > 1 && window.history.pushState) {
    var form = parts[0].closest("form");
    var fold = form.closest("details");
    var enter = form.querySelector("[data-default-next]");
    var shown = 0;
    var only = function (index) {
      parts.forEach(function (part, at) { part.hidden = at !== index; });
      shown = index;
      // Enter in a field answers the step on screen.
      if (enter) { enter.value = parts[index].getAttribute("data-step-part"); }
    };
    var show = function (index, remember) {
      only(index);
      if (fold) { fold.open = true; }
      if (remember) { window.history.pushState({ part: index }, "", parts[index].getAttribute("data-page-url")); }
      window.scrollTo(0, 0);
      parts[index].querySelector('[tabindex="-1"]').focus();
    };
    var complete = function (part) {
      return Array.prototype.every.call(part.querySelectorAll("input, select, textarea"), function (field) {
        return field.checkValidity();
      });
    };
    var changesWhatFollows = function (part) {
      return (part.getAttribute("data-post-when") || "").split(" ").some(function (answer) {
        var pair = answer.split("=");
        return pair[0] && form.querySelector('[name="' + pair[0] + '"][value="' + pair[1] + '"]:checked') !== null;
      });
    };
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button) { return; }
      if (button.name === "back" && shown > 0) {
        event.preventDefault();
        window.history.back();
      } else if (button.name === "next" && shown < parts.length - 1 && complete(parts[shown]) && !changesWhatFollows(parts[shown])) {
        event.preventDefault();
        show(shown + 1, true);
      }
    });
    only(0);
    if (!window.history.state) { window.history.replaceState({ part: 0 }, ""); }
    // A page the browser kept in memory and shows again (Back) starts over, folded and empty: what
    // she typed is shown again only by the server, and only while her visit lasts.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && fold) {
        form.reset();
        fold.open = false;
        only(0);
      }
    });
    window.addEventListener("popstate", function (event) {
      if (event.state && typeof event.state.part === "number" && parts[event.state.part]) { show(event.state.part, false); }
    });
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
