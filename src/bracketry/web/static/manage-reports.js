"use strict";
// Players' open reports on the manage page (disputed first, then pending): the match, who
// reported what, who disputed it and why. "Accept" records the reported result as the
// organizer's (the same result API); "Overrule" opens the result form filled with the report,
// to change it. A recorded result settles the report, so it leaves the list.
(() => {
  const page = ManagePage;
  const root = page.root;
  const byId = (name) => document.getElementById(name);
  const section = byId("open-reports");
  const list = byId("open-reports-list");
  const more = byId("open-reports-more");
  const error = byId("open-reports-error");
  const SHOWN = 50; // of each open state
  const reports = new Map(); // session id → its open report, as listed
  let loadedFor = "";
  let loads = 0;

  // What a report says, in the match's own order: "Ann 3–1 Ben", "a forfeit win for Ann"…
  function claim(r, s) {
    const [a, b] = page.people(s);
    const name = (playerId) => ((s.participants || []).find((p) => p && p.player_id === playerId) || { name: "a player" }).name;
    const scores = r.score_a === null || r.score_b === null ? "" : `${a} ${r.score_a}–${r.score_b} ${b}`;
    if (r.outcome === "draw") return scores ? `a draw, ${scores}` : "a draw";
    if (r.outcome === "double_forfeit") return "a forfeit by both";
    if (r.outcome === "forfeit") return r.winner_id === null ? "a forfeit" : `a forfeit win for ${name(r.winner_id)}`;
    return scores || (r.winner_id === null ? "a result" : `a win for ${name(r.winner_id)}`);
  }

  function item(r, s) {
    const people = (s.participants || []).filter(Boolean);
    const reporter = (people.find((p) => p.player_id === r.reporter_id) || { name: "A player" }).name;
    const others = people.filter((p) => p.player_id !== r.reporter_id).map((p) => p.name).join(" and ") || "the opponent";
    const match = `${page.matchName(s)}: ${page.people(s).join(" vs ")}`;
    const answer =
      r.state === "disputed"
        ? `Disputed by ${others}${r.reason ? `: “${r.reason}”` : "."}`
        : `Waiting for ${others} to confirm.`;
    const who = `${reporter}’s report of ${page.matchName(s)}`;
    return (
      `<li class="open-report ${r.state}" data-testid="open-report-${r.session_id}" data-state="${r.state}">` +
      `<p><strong>${Bracketry.escape(match)}</strong><br>` +
      `${Bracketry.escape(`${reporter} reported ${claim(r, s)}.`)} <span class="report-answer">${Bracketry.escape(answer)}</span></p>` +
      '<div class="actions">' +
      `<button type="button" data-accept="${r.session_id}" aria-label="${Bracketry.escape(`Accept ${who}`)}">Accept</button>` +
      `<button type="button" class="quiet" data-overrule="${r.session_id}" aria-label="${Bracketry.escape(`Overrule ${who}`)}">Overrule</button>` +
      "</div></li>"
    );
  }

  async function load() {
    const ticket = ++loads;
    const s = page.snapshot();
    if (root.dataset.manage !== "on" || !s || s.status !== "IN_PROGRESS" || !s.reports_open) {
      section.hidden = true;
      list.innerHTML = "";
      reports.clear();
      return;
    }
    const pages = await Promise.all(
      ["disputed", "pending"].map((state) => Bracketry.api("GET", `${page.base}/reports?state=${state}&limit=${SHOWN}`)),
    );
    const open = pages.flatMap((p) => p.items);
    const sessions = await Promise.all(open.map((r) => Bracketry.api("GET", `${page.base}/sessions/${r.session_id}`)));
    if (ticket !== loads) return; // a later load is under way
    reports.clear();
    for (const r of open) reports.set(String(r.session_id), r);
    list.innerHTML = open.map((r, i) => item(r, sessions[i])).join("");
    const rest = pages.reduce((sum, p) => sum + p.total, 0) - open.length;
    more.hidden = rest <= 0;
    more.textContent = `and ${rest} more open reports`;
    section.hidden = !open.length;
  }

  function reload() {
    load().catch((failure) => page.say(error, page.problem(failure)));
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const sid = button.dataset.accept || button.dataset.overrule;
    const r = reports.get(sid);
    if (!r) return;
    if (button.dataset.overrule) {
      page.clear();
      page.openMatch(sid, r).catch((failure) => page.say(error, page.problem(failure)));
      return;
    }
    button.disabled = true;
    try {
      const body = { outcome: r.outcome, winner_id: r.winner_id, score_a: r.score_a, score_b: r.score_b };
      const saved = await Bracketry.api("POST", `${page.base}/sessions/${sid}/result`, body);
      page.recorded(saved, false);
      reload();
    } catch (failure) {
      button.disabled = false;
      page.say(error, page.problem(failure));
    }
  });

  root.addEventListener("bracketry:snapshot", (event) => {
    const s = event.detail;
    const key = [s.status, s.reports_open, s.reports_changed_at, s.matches.completed, root.dataset.manage].join("/");
    if (key === loadedFor) return;
    loadedFor = key;
    reload();
  });
  root.addEventListener("bracketry:manage", () => {
    loadedFor = "";
    reload();
  });
})();
