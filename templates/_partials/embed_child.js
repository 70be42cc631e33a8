{#
The embed page's one script: it keeps the frame as tall as the page, speaking the child half of
Pym.js v1, so both pym.js parents and our loader (embed.js) can size it. Messages are strings,
"pym" xPYMx <id> xPYMx <type> xPYMx <message>; the parent names the frame with ?childId=<id>.
The child sends "height" whenever its size changes and answers the parent's "width" messages.
initialWidth and parentTitle are not read: the layout is CSS, so the frame's own width is what
counts. Jinja comments like this one are not shipped.
#}
(function () {
  var query = new URLSearchParams(location.search), id = query.get("childId"), parent = window.parent, page = document.querySelector("main");
  if (!id || parent === window) return;
  function originOf(url) {
    try { return new URL(url).origin; } catch (e) { return ""; }
  }
  {# Where the parent page lives: the browser's own record when it keeps one (Chromium, Safari),
     else the referrer, else the parentUrl pym.js passes. Width messages must come from the
     parent window itself and, when its origin is known, from that origin. #}
  var from = (location.ancestorOrigins || [])[0] || originOf(document.referrer) || originOf(query.get("parentUrl"));
  function sendHeight() {
    var height = Math.ceil(page.getBoundingClientRect().height);
    {# A height says nothing private, so it goes to whatever page holds the frame, as in pym.js. #}
    if (height > 0 && height <= 20000) parent.postMessage(["pym", id, "height", height].join("xPYMx"), "*");
  }
  addEventListener("message", function (e) {
    var parts = e.source === parent && (!from || e.origin === from) && typeof e.data == "string" && e.data.split("xPYMx");
    if (parts && parts.length == 4 && parts[0] == "pym" && parts[1] == id && parts[2] == "width" && /^\d{1,5}$/.test(parts[3])) sendHeight();
  });
  {# Fires once at the start, then on every change of size: a narrower frame, a longer line. #}
  new ResizeObserver(sendHeight).observe(page);
})();
