/* Article page: 字号 大/中/小 and 打印 (浏览次数 is filled by visits.js). No framework, no dependencies.
 * The page is served from a shared cache, so everything per-reader happens here;
 * without JavaScript the controls and the count simply stay hidden. */
(function () {
  "use strict";

  var FONT_SIZES = { large: "1.25em", medium: "", small: "0.875em" };
  var FONT_SIZE_KEY = "article-font-size";

  function remembered() {
    try {
      return window.localStorage.getItem(FONT_SIZE_KEY);
    } catch (error) {
      return null; // storage disabled (private mode, strict settings)
    }
  }

  function remember(size) {
    try {
      window.localStorage.setItem(FONT_SIZE_KEY, size);
    } catch (error) {
      /* not remembered; the choice still applies to this page */
    }
  }

  function setFontSize(tools, body, size) {
    if (!Object.prototype.hasOwnProperty.call(FONT_SIZES, size)) {
      size = "medium";
    }
    body.style.fontSize = FONT_SIZES[size];
    var buttons = tools.querySelectorAll("[data-font-size]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-font-size") === size));
    }
  }

  function initTools() {
    var tools = document.querySelector(".article-tools");
    var body = document.querySelector(".article-body");
    if (!tools || !body) {
      return;
    }
    setFontSize(tools, body, remembered());
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) {
        return;
      }
      if (button.hasAttribute("data-print")) {
        window.print();
      } else if (button.hasAttribute("data-font-size")) {
        var size = button.getAttribute("data-font-size");
        setFontSize(tools, body, size);
        remember(size);
      }
    });
    tools.hidden = false;
  }

  // Print the absolute address after each link (print.css); without this the
  // stylesheet falls back to the href as written, often a bare path.
  function addPrintAddresses() {
    var links = document.querySelectorAll("main a[href]");
    for (var i = 0; i < links.length; i++) {
      links[i].setAttribute("data-print-href", links[i].href);
    }
  }

  // The catalogue metadata is folded in the HTML (a phone's first screen is for the title);
  // screens wider than a phone, and print, show it open.
  function openMetadata() {
    var details = document.querySelector(".metadata-details");
    if (details) {
      details.open = true;
    }
  }

  function init() {
    if (window.matchMedia("(min-width: 601px)").matches) {
      openMetadata();
    }
    initTools();
    window.addEventListener("beforeprint", function () {
      openMetadata();
      addPrintAddresses();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
