// A circular's page keeps its counts fresh while answers come in: every few seconds it
// fetches itself and swaps the #live part, so the reader keeps their place (no page reload).
// A button pauses it (WCAG 2.2.2). Loaded only on pages that have a #live[data-refresh].
(function () {
  "use strict";
  const live = document.getElementById("live");
  const toggle = document.getElementById("pause-refresh");
  if (!live || !live.dataset.refresh) return;
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
})();
