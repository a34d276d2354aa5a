/* CareerFit: small enhancements on top of pages that work without any script.
   - a questionnaire form saves each answer as it is given (data-autosave-url);
   - copy and share buttons for the private link (hidden until they can work);
   - a link to a question or to a folded part focuses it, or opens it.
   Texts come from the page (data-* attributes), so they are translated with the rest. */
(function () {
  "use strict";

  function autosave(form) {
    var url = form.getAttribute("data-autosave-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var status = form.querySelector(".autosave-status");
    var pending = {};
    var timer = null;
    var failed = false;
    var inflight = null;

    function say(name) {
      var text = status && status.getAttribute(name);
      if (text && status.textContent !== text) {
        status.textContent = text;
      }
    }

    function body() {
      var data = new URLSearchParams();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      Object.keys(pending).forEach(function (name) {
        data.append(name, pending[name]);
      });
      pending = {};
      return data;
    }

    function send() {
      timer = null;
      if (!Object.keys(pending).length) {
        return;
      }
      var sent = Object.assign({}, pending);
      inflight = fetch(url, {
        method: "POST",
        body: body(),
        credentials: "same-origin",
        keepalive: true,
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        failed = false;
        say("data-saved-text");
      }).catch(function () {
        // Kept for the next try; the form's own submit saves them in any case.
        pending = Object.assign(sent, pending);
        failed = true;
        say("data-failed-text");
      }).then(function () {
        inflight = null;
      });
    }

    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "radio" || !input.checked) {
        return;
      }
      pending[input.name] = input.value;
      clearTimeout(timer);
      // A short wait gathers quick taps into one request; a failed save retries later.
      timer = setTimeout(send, failed ? 3000 : 300);
    });

    // Leaving the page (a closed tab, a link, a switch to another app): send what is left.
    function flush() {
      if (!Object.keys(pending).length) {
        return;
      }
      clearTimeout(timer);
      if (!(navigator.sendBeacon && navigator.sendBeacon(url, body()))) {
        send();
      }
    }
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        flush();
      }
    });
    form.addEventListener("submit", function (event) {
      // The form carries every answer itself: nothing more to send on the side.
      clearTimeout(timer);
      pending = {};
      // A save still under way finishes first (briefly), so the two never race.
      if (inflight && !form.hasAttribute("data-waited")) {
        event.preventDefault();
        form.setAttribute("data-waited", "");
        var submitter = event.submitter;
        var go = function () {
          form.requestSubmit(submitter);
        };
        Promise.race([inflight, new Promise(function (done) {
          setTimeout(done, 2000);
        })]).then(go, go);
      }
    });
  }

  function copyButton(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        button.textContent = button.getAttribute("data-copied-text");
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      }
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {});
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  }

  function shareButton(button) {
    if (!navigator.share) {
      return;
    }
    var fallback = button.parentNode.querySelector("[data-share-fallback]");
    button.hidden = false;
    if (fallback) {
      fallback.hidden = true;
    }
    button.addEventListener("click", function () {
      navigator.share({
        text: button.getAttribute("data-share-text"),
      }).catch(function () {});
    });
  }

  // A link to a question focuses its first choice; a link into a folded part opens it.
  function reveal(hash) {
    var target = hash && hash.length > 1 && document.getElementById(hash.slice(1));
    if (!target) {
      return;
    }
    var details = target.closest("details");
    if (details) {
      details.open = true;
    }
    if (target.tagName === "DETAILS") {
      target.open = true;
    }
    var choice = target.querySelector("input[type=radio]");
    if (choice) {
      choice.focus();
    }
    target.scrollIntoView();
  }

  document.addEventListener("click", function (event) {
    // The same fragment again changes nothing, so no hashchange follows: reveal it here.
    var link = event.target.closest("a[href^='#']");
    if (link && link.hash && link.hash === location.hash) {
      reveal(link.hash);
    }
  });
  window.addEventListener("hashchange", function () {
    reveal(location.hash);
  });

  // On paper every folded part is shown, then folded again as it was.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) {
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) {
      d.open = false;
    });
  });

  document.querySelectorAll("form[data-autosave-url]").forEach(autosave);
  document.querySelectorAll("[data-copy]").forEach(copyButton);
  document.querySelectorAll("[data-share]").forEach(shareButton);
  if (location.hash) {
    reveal(location.hash);
  }
  // A page sent back with unanswered questions focuses the first (autofocus): show it with
  // its question, which the browser does not always scroll to. A form whose error summary
  // takes the focus (consent) shows the summary.
  var focused = document.querySelector("[autofocus]");
  var question = focused && focused.closest(".question");
  if (focused && focused.classList.contains("error-summary")) {
    focused.focus({ preventScroll: true });
    focused.scrollIntoView({ behavior: "instant", block: "start" });
  } else if (question) {
    focused.focus({ preventScroll: true });
    // At once: Bootstrap makes scrolling smooth, and the page has only just appeared.
    question.scrollIntoView({ behavior: "instant" });
  }
})();
