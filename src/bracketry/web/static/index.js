"use strict";
// The scenario launcher: validates like the API, asks for confirmation from the threshold on.
(() => {
  // "New tournament" for those who may create one.
  const newLink = document.getElementById("new-link");
  const showNew = () => {
    newLink.hidden = !Bracketry.mayCreate();
  };
  document.addEventListener("bracketry:account", showNew);
  showNew();

  // Creation times in the viewer's own time zone, e.g. "7 Dec 2026, 10:26".
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n) => String(n).padStart(2, "0");
  for (const time of document.querySelectorAll("time[data-testid=created]")) {
    const at = new Date(time.getAttribute("datetime"));
    if (Number.isNaN(at.getTime())) continue;
    time.textContent = `${at.getDate()} ${MONTHS[at.getMonth()]} ${at.getFullYear()}, ${two(at.getHours())}:${two(at.getMinutes())}`;
    time.title = at.toString();
  }

  const form = document.getElementById("launch-form");
  const error = document.getElementById("launch-error");
  const confirmFrom = Number(form.dataset.confirmFrom);
  const players = form.elements.player_count;
  const confirmRow = document.getElementById("confirm-row");

  function syncConfirm() {
    const needed = Number(players.value) >= confirmFrom;
    confirmRow.hidden = !needed;
  }
  players.addEventListener("input", syncConfirm);
  syncConfirm();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const count = Number(players.value);
    if (count >= confirmFrom && !form.elements.confirmed.checked) {
      error.textContent = `Tick the confirmation to launch ${confirmFrom} players or more.`;
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const launched = await Bracketry.api("POST", "/tournaments/ops/run-scenario", {
        scenario: "large_field_monitor",
        tournament_format: form.elements.tournament_format.value,
        player_count: count,
        seed: Number(form.elements.seed.value),
        simulation_mode: form.elements.simulation_mode.value,
        confirmed: form.elements.confirmed.checked,
      });
      window.location.assign(`/tournaments/${launched.tournament_id}`);
    } catch (failure) {
      error.textContent = failure.message;
      button.disabled = false;
    }
  });
})();
