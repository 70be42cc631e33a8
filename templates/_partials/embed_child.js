{#
The embed page's one script. It speaks the child half of two protocols, so the page that holds the
frame can size it and follow its links:
- Pym.js v1, for pym.js parents and our loader (embed.js). Messages are strings,
  "pym" xPYMx <id> xPYMx <type> xPYMx <message>; the parent names the frame with ?childId=<id>.
  The child sends "height" whenever its size changes, answers the parent's "width" messages, and
  sends "navigateTo" with a link the reader clicks.
- WordPress's embed protocol, for posts that embed the page by its address (wp-embed.js on the
  host). WordPress adds #?secret=<10 letters or digits> to the frame's address; messages are
  objects {message, value, secret}: the child sends "height" and, on a click, "link", and answers
  the host's "ready".
A host's sandbox may not let the frame move the reader's window itself (WordPress gives it only
allow-scripts; our loader does not give it that either), so a click on a link to this site asks
the host to follow it; only if no host does within half a second does the frame follow it itself,
as far as its sandbox lets it. A link to another site opens in a new tab.
It also reads two options from its address: ?theme=dark or ?theme=auto (the reader's system
setting) instead of light, and ?answer=full, which shows a question's whole answer in place of
the link to it. initialWidth and parentTitle are not read: the layout is CSS.
Jinja comments like this one are not shipped.
#}
(function () {
  var query = new URLSearchParams(location.search), parent = window.parent, page = document.querySelector("main");
  var theme = query.get("theme"), whole = document.querySelector(".explainer-whole");
  if (theme == "dark" || theme == "auto") document.documentElement.setAttribute("data-theme", theme);
  if (whole && query.get("answer") == "full") {
    whole.hidden = false;
    document.querySelector(".explainer-more").hidden = true;
  }
  if (parent === window) return;
  var id = query.get("childId"), secret = null, here = new URL(location.href).origin;
  function readSecret() {
    var found = /secret=([A-Za-z0-9]{10})/.exec(location.hash);
    if (found) secret = found[1];
  }
  readSecret();
  {# WordPress's wp-embed.js adds the secret to the address after the frame may have loaded. #}
  addEventListener("hashchange", readSecret);
  function originOf(url) {
    try { return new URL(url).origin; } catch (e) { return ""; }
  }
  {# Where the parent page lives: the browser's own record when it keeps one (Chromium, Safari),
     else the referrer, else the parentUrl pym.js passes. Messages must come from the parent
     window itself and, when its origin is known, from that origin. #}
  var from = (location.ancestorOrigins || [])[0] || originOf(document.referrer) || originOf(query.get("parentUrl"));
  function tell(type, value) {
    {# What is sent says nothing private (a height, a link on this site), so it goes to whatever
       page holds the frame, as pym.js and WordPress's own embeds send theirs. #}
    if (id) parent.postMessage(["pym", id, type, value].join("xPYMx"), "*");
    if (secret) parent.postMessage({message: type == "navigateTo" ? "link" : type, value: value, secret: secret}, "*");
  }
  function sendHeight() {
    var height = Math.ceil(page.getBoundingClientRect().height);
    if (height > 0 && height <= 20000) tell("height", height);
  }
  addEventListener("message", function (e) {
    var data = e.data;
    if (e.source !== parent || (from && e.origin !== from)) return;
    if (typeof data == "string") {
      var parts = data.split("xPYMx");
      if (id && parts.length == 4 && parts[0] == "pym" && parts[1] == id && parts[2] == "width" && /^\d{1,5}$/.test(parts[3])) sendHeight();
    } else if (secret && data && data.message == "ready" && data.secret === secret) {
      sendHeight();
    }
  });
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href]");
    if (!link || e.defaultPrevented || e.button || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var url = new URL(link.href);
    {# With no host to ask, the browser follows a link to this site (target=_top) as the sandbox allows. #}
    if (!/^https?:$/.test(url.protocol) || (url.origin == here && !id && !secret)) return;
    e.preventDefault();
    if (url.origin != here) {
      window.open(url.href, "_blank", "noopener");
      return;
    }
    tell("navigateTo", url.href);
    var fallback = setTimeout(function () { window.open(url.href, "_top"); }, 500);
    addEventListener("pagehide", function () { clearTimeout(fallback); });
  });
  {# Fires once at the start, then on every change of size: a narrower frame, a longer line. #}
  new ResizeObserver(sendHeight).observe(page);
})();
