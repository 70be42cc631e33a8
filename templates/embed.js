{#
The loader, for pages without pym.js:
  <div data-explainer-embed="https://…/<slug>/embed/<id>/"><a href="…">Title</a></div>
  <script async src="https://…/embed.js"></script>
turns each such div into a sandboxed, lazily loaded iframe titled with the div's text, sizes it
from the page's Pym.js v1 "height" messages, and follows its "navigateTo" messages: a link the
reader clicked in the frame, which the frame's sandbox does not let it follow itself. A message
counts only if it comes from that frame's window, with the opaque origin ("null") a page sandboxed
without allow-same-origin always has, and names the frame's id; a height must be a whole number
of pixels from 1 to 20000, and a link an address on this site, followed only while the reader's
click is fresh. Anything else is ignored.
Two attributes on the div pass options to the embed page: data-explainer-theme="dark" or "auto"
(follow the reader's system; the default is light), and data-explainer-answer="full" (a
question's whole answer rather than its short answer and a link).
Jinja comments like this one are not shipped.
#}
{% from "_partials/embed_codes.html" import loader_sandbox %}
(function () {
  var SANDBOX = {{ loader_sandbox|tojson }}, SITE = {{ ''|absolute|tojson }}, MAX_HEIGHT = 20000;
  function setUp(box) {
    var url;
    try { url = new URL(box.getAttribute("data-explainer-embed"), location.href); } catch (e) { return; }
    if (box.hasAttribute("data-explainer-embed-id") || !/^https?:$/.test(url.protocol)) return;
    var id = "explainer-" + Math.random().toString(36).slice(2), frame = document.createElement("iframe");
    box.setAttribute("data-explainer-embed-id", id);
    url.searchParams.set("initialWidth", box.offsetWidth);
    url.searchParams.set("childId", id);
    var theme = box.getAttribute("data-explainer-theme"), answer = box.getAttribute("data-explainer-answer");
    if (theme == "dark" || theme == "auto") url.searchParams.set("theme", theme);
    if (answer == "full") url.searchParams.set("answer", answer);
    frame.src = url.href;
    frame.title = box.textContent.trim() || "Explainer";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("sandbox", SANDBOX);
    frame.style.cssText = "display:block;width:100%;height:150px;border:0";
    addEventListener("message", function (e) {
      if (!e.source || e.source !== frame.contentWindow || e.origin !== "null" || typeof e.data != "string") return;
      var parts = e.data.split("xPYMx");
      if (parts.length != 4 || parts[0] != "pym" || parts[1] != id) return;
      if (parts[2] == "height" && /^[1-9]\d{0,4}$/.test(parts[3]) && +parts[3] <= MAX_HEIGHT) {
        frame.style.height = parts[3] + "px";
      } else if (parts[2] == "navigateTo") {
        var to;
        try { to = new URL(parts[3]); } catch (err) { return; }
        {# A click in the frame counts as one in this page too (the browser passes it up), so a
           frame that tries to move the page without a click is refused. #}
        var clicked = !navigator.userActivation || navigator.userActivation.isActive;
        if (clicked && /^https?:$/.test(to.protocol) && to.href.indexOf(SITE) === 0) location.href = to.href;
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
