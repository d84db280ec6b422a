/* The public forms' proof-of-work widget (ALTCHA protocol), no third party (docs/public-forms.md).
 *
 * For each [data-public-form-guard] element: fetch a challenge from its data-challenge-url,
 * find n <= maxnumber with SHA-256(salt + n) == challenge, and put
 * base64(JSON {algorithm, challenge, number, salt, signature}) in its hidden input. A submit
 * before that waits for it; a challenge about to expire is solved again first. */
(function () {
  "use strict";

  var WORKING = "正在进行安全验证…";
  var DONE = "安全验证已完成，可以提交。";
  var FAILED = "安全验证失败，请刷新页面重试。";
  // Re-solve when less than this is left (or half the validity, if shorter): the
  // server must still accept the payload when it arrives.
  var EXPIRY_MARGIN_SECONDS = 30;

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  async function solve(challenge) {
    var encoder = new TextEncoder();
    for (var n = 0; n <= challenge.maxnumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) {
        return n;
      }
    }
    throw new Error("challenge not solvable");
  }

  function expiresAt(salt) {
    var match = /[?&]expires=(\d+)/.exec(salt);
    return match ? Number(match[1]) : Infinity;
  }

  function Guard(element) {
    this.element = element;
    this.form = element.closest("form");
    this.input = element.querySelector("[data-public-form-guard-input]");
    this.status = element.querySelector("[data-public-form-guard-status]");
    this.url = element.getAttribute("data-challenge-url");
    this.expires = 0;
    this.margin = 0;
    this.pending = null;
    this.solvedForSubmit = false;
  }

  Guard.prototype.announce = function (text, state) {
    this.status.textContent = text;
    this.element.setAttribute("data-state", state);
  };

  Guard.prototype.run = function () {
    var guard = this;
    guard.input.value = "";
    guard.announce(WORKING, "working");
    guard.pending = fetch(guard.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("challenge request failed: " + response.status);
        }
        return response.json();
      })
      .then(function (challenge) {
        if (challenge.algorithm !== "SHA-256") {
          throw new Error("unsupported algorithm");
        }
        return solve(challenge).then(function (number) {
          guard.input.value = btoa(
            JSON.stringify({
              algorithm: challenge.algorithm,
              challenge: challenge.challenge,
              number: number,
              salt: challenge.salt,
              signature: challenge.signature,
            })
          );
          var now = Date.now() / 1000;
          guard.expires = expiresAt(challenge.salt);
          guard.margin = Math.min(EXPIRY_MARGIN_SECONDS, Math.max(0, (guard.expires - now) / 2));
          guard.announce(DONE, "done");
        });
      })
      .catch(function () {
        guard.input.value = "";
        guard.announce(FAILED, "failed");
        throw new Error("public form guard failed");
      });
    // Nobody may be waiting yet: an unhandled rejection would only be noise in the console.
    guard.pending.catch(function () {});
    return guard.pending;
  };

  Guard.prototype.ready = function () {
    return this.input.value !== "" && Date.now() / 1000 < this.expires - this.margin;
  };

  Guard.prototype.onSubmit = function (event) {
    if (this.solvedForSubmit || this.ready()) {
      this.solvedForSubmit = false;
      return; // the payload goes with this submission; the next one needs a fresh challenge
    }
    event.preventDefault();
    var guard = this;
    var submitter = event.submitter || null;
    var waiting = guard.element.getAttribute("data-state") === "working" ? guard.pending : guard.run();
    waiting.then(
      function () {
        guard.solvedForSubmit = true; // solved for this very submission: never loop
        if (typeof guard.form.requestSubmit === "function") {
          guard.form.requestSubmit(submitter);
        } else {
          guard.form.submit();
        }
      },
      function () {}
    );
  };

  function start(element) {
    if (element.hasAttribute("data-state")) {
      return; // the include appears once per form; the script may load more than once
    }
    var guard = new Guard(element);
    if (!guard.form || !guard.input || !guard.status || !window.crypto || !crypto.subtle) {
      if (guard.status) {
        guard.announce(FAILED, "failed");
      }
      return;
    }
    guard.form.addEventListener("submit", function (event) {
      guard.onSubmit(event);
    });
    guard.run();
  }

  function startAll() {
    document.querySelectorAll("[data-public-form-guard]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
