// Small helpers of the admin pages, loaded only where needed (no inline scripts: the pages'
// Content-Security-Policy allows scripts from this site alone).
(function () {
  "use strict";

  // A circular's page keeps its counts fresh while answers come in: every few seconds it
  // fetches itself and swaps the #live part, so the reader keeps their place (no page reload).
  // A button pauses it (WCAG 2.2.2).
  function keepFresh(live, toggle) {
    const seconds = Math.max(5, Number(live.dataset.refresh) || 15);
    let paused = false;
    async function refresh() {
      if (paused || document.hidden) return;
      try {
        const answer = await fetch(location.href, {credentials: "same-origin"});
        if (!answer.ok) return;
        const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
        const part = fresh.getElementById("live");
        if (part) live.innerHTML = part.innerHTML;
      } catch (error) {
        // Offline for a moment: the next round tries again.
      }
    }
    if (toggle) {
      toggle.addEventListener("click", function () {
        paused = !paused;
        toggle.textContent = paused ? toggle.dataset.resume : toggle.dataset.pause;
        toggle.setAttribute("aria-pressed", String(paused));
      });
    }
    setInterval(refresh, seconds * 1000);
  }

  const live = document.getElementById("live");
  if (live && live.dataset.refresh) keepFresh(live, document.getElementById("pause-refresh"));
  // 印刷する: the browser's own print dialog (the report page prints as one A4 page).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
