// Live updates (docs/web.md): when the signed-in user's event stream reports a copy,
// a fill, a stop or a settlement, fetch this page again and swap in its live regions
// (elements with data-live and an id). Forms being typed in are left alone. Without
// JavaScript the page is the same, only reloaded by hand.
"use strict";
(function () {
  const body = document.body;
  const url = body.dataset.events;
  if (!url || !window.EventSource || !window.fetch) return;
  const status = document.getElementById("live-status");
  const source = new EventSource(url);
  let pending = null;

  function busy(region) {
    const active = document.activeElement;
    return active && active !== body && region.contains(active);
  }

  async function refresh() {
    pending = null;
    const reply = await fetch(location.href, { credentials: "same-origin" });
    if (!reply.ok) return;
    const fresh = new DOMParser().parseFromString(await reply.text(), "text/html");
    document.querySelectorAll("[data-live][id]").forEach(function (region) {
      const next = fresh.getElementById(region.id);
      if (next && !busy(region)) region.replaceWith(document.importNode(next, true));
    });
    body.dataset.updated = String(Number(body.dataset.updated || 0) + 1);
  }

  function later() {
    // Events come in bursts (a copy is a decision and a fill): refresh once per burst.
    if (pending === null) pending = setTimeout(refresh, 300);
  }

  (body.dataset.eventTypes || "").split(" ").forEach(function (type) {
    if (type) source.addEventListener(type, later);
  });
  source.addEventListener("end", function () { source.close(); });
  source.onopen = function () { if (status) { status.hidden = false; status.textContent = "● live"; } };
  source.onerror = function () { if (status) status.textContent = "○ reconnecting"; };
})();
