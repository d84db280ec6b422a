// The letter form's character count and the receipt's copy button: conveniences only, the form works without them.
(function () {
  "use strict";
  document.querySelectorAll("[data-letter-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-letter-count-for"));
    if (!field) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10) || 0;
    function update() {
      var used = field.value.length;
      counter.textContent = "已输入 " + used + (limit ? " / " + limit : "") + " 字";
      counter.classList.toggle("over", limit > 0 && used > limit);
    }
    field.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = "已复制";
      });
    });
  });
})();
