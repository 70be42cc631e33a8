{#
The loader, for pages without pym.js:
  <div data-explainer-embed="https://…/<slug>/embed/<id>/"><a href="…">Title</a></div>
  <script async src="https://…/embed.js"></script>
turns each such div into a sandboxed, lazily loaded iframe titled with the div's text, and sizes
it from the page's Pym.js v1 "height" messages. A message counts only if it comes from that
frame's window, with the opaque origin ("null") a page sandboxed without allow-same-origin
always has, names the frame's id and carries a whole number of pixels from 1 to 20000; anything
else is ignored.
Jinja comments like this one are not shipped.
#}
{% from "_partials/embed_codes.html" import sandbox %}
(function () {
  var SANDBOX = {{ sandbox|tojson }}, MAX_HEIGHT = 20000;
  function setUp(box) {
    var url;
    try { url = new URL(box.getAttribute("data-explainer-embed"), location.href); } catch (e) { return; }
    if (box.hasAttribute("data-explainer-embed-id") || !/^https?:$/.test(url.protocol)) return;
    var id = "explainer-" + Math.random().toString(36).slice(2), frame = document.createElement("iframe");
    box.setAttribute("data-explainer-embed-id", id);
    url.searchParams.set("initialWidth", box.offsetWidth);
    url.searchParams.set("childId", id);
    frame.src = url.href;
    frame.title = box.textContent.trim() || "Explainer";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("sandbox", SANDBOX);
    frame.style.cssText = "display:block;width:100%;height:150px;border:0";
    addEventListener("message", function (e) {
      if (!e.source || e.source !== frame.contentWindow || e.origin !== "null" || typeof e.data != "string") return;
      var parts = e.data.split("xPYMx");
      if (parts.length == 4 && parts[0] == "pym" && parts[1] == id && parts[2] == "height" && /^[1-9]\d{0,4}$/.test(parts[3]) && +parts[3] <= MAX_HEIGHT) {
        frame.style.height = parts[3] + "px";
      }
    });
    {# As pym.js does: a frame out of view may not lay itself out again until it is scrolled to,
       so a new width is sent and the page answers with its height. The frame's origin is opaque,
       so the message cannot name it; it holds only the width. #}
    addEventListener("resize", function () {
      if (frame.contentWindow) frame.contentWindow.postMessage(["pym", id, "width", box.offsetWidth].join("xPYMx"), "*");
    });
    box.replaceChildren(frame);
  }
  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-explainer-embed]"), setUp);
  }
  setUpAll();
  {# An async script may run before the rest of the page is parsed. #}
  if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", setUpAll);
})();
