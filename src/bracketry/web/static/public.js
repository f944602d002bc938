"use strict";
// The public page of a tournament: nobody gets a control, except a signed-in player, who sees
// their own next match of this tournament and reports or answers its result there
// (PlayerMatches, player.js). The match is read again whenever the live view changes.
(() => {
  document.addEventListener("DOMContentLoaded", async () => {
    const root = document.getElementById("monitor");
    const section = document.getElementById("my-match");
    if (!root || !section) return;
    const tournament = Number(root.dataset.tournamentId);
    const player = await PlayerMatches.me();
    if (!player) return;
    document.getElementById("my-page-link").href = `/players/${player}`;
    let loads = 0;
    let seen = "";

    async function load() {
      const mine = ++loads;
      let page;
      try {
        page = await Bracketry.api("GET", `/players/${player}/matches?limit=100`);
      } catch (_) {
        return; // the public page shows the tournament anyway
      }
      if (mine !== loads) return;
      const next = page.items.find((item) => item.upcoming && item.tournament_id === tournament);
      const body = document.getElementById("my-match-body");
      body.replaceChildren();
      if (next) body.append(PlayerMatches.card(next, player, { mine: true, tournament: false, done: load }));
      section.hidden = !next;
    }

    root.addEventListener("bracketry:snapshot", (event) => {
      const snap = event.detail;
      const key = [snap.matches.completed, snap.reports_open, snap.reports_changed_at, snap.timetable_key].join("/");
      if (key === seen) return;
      seen = key;
      load();
    });
    load();
  });
})();
