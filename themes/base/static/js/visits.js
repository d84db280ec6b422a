/* The visit beacon (cms/visits): one POST per page load, after load, because the page
 * itself comes from a shared cache. No cookie, no third party. On an article the answer
 * carries its 浏览次数, shown where the page has a [data-view-count] slot. */
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.getAttribute("data-beacon-url");

  function send() {
    if (!url || !window.fetch) {
      return;
    }
    fetch(url, { method: "POST", credentials: "omit", headers: { Accept: "application/json" }, keepalive: true })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        var counter = document.querySelector("[data-view-count]");
        if (counter && data && typeof data.count === "number") {
          counter.querySelector(".view-count-number").textContent = String(data.count);
          counter.hidden = false;
        }
      })
      .catch(function () {
        /* counting is a nicety: a failed beacon leaves the count hidden */
      });
  }

  // A prerendered page is counted when the reader actually opens it, not before.
  function whenShown() {
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", send, { once: true });
    } else {
      send();
    }
  }

  if (document.readyState === "complete") {
    whenShown();
  } else {
    window.addEventListener("load", whenShown);
  }
})();
