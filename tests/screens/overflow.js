(function () {
  var vw = document.documentElement.clientWidth;
  var bad = [];
  document.querySelectorAll("table").forEach(function (t, i) {
    var p = t.parentElement, scroller = null;
    while (p && p !== document.documentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll") { scroller = p; break; }
      p = p.parentElement;
    }
    var box = (scroller || t).getBoundingClientRect();
    if (box.width > 0 && box.right > vw + 1) {
      bad.push(i + ": " + (t.rows[0] ? t.rows[0].textContent.replace(/\s+/g, " ").slice(0, 60) : ""));
    }
  });
  var pre = document.createElement("pre");
  pre.id = "onus-overflow";
  pre.textContent = "OVERFLOW[" + bad.join(" | ") + "]";
  document.body.appendChild(pre);
})();
