"use strict";
// The live monitor: a Server-Sent Events stream of snapshots drives every figure on the page;
// the bracket or rounds, timetable (timeline.js), players' reports (reports.js), rankings and
// result form are refetched when results change. The format picks the view: a knockout's
// bracket, double elimination's brackets one section per side, the groups' knockout above
// their rounds, and the rounds view for any other format.
//
// The same script drives the public page (data-mode="public": figures in words, no tools)
// and the manage page (data-mode="manage"): there the match boxes become buttons once the
// page sets data-manage="on" (the API said the viewer may manage), and every snapshot is
// passed on as a "bracketry:snapshot" event.
(() => {
  const root = document.getElementById("monitor");
  const mode = root.dataset.mode || "monitor";
  const words = root.dataset.words ? JSON.parse(root.dataset.words) : null;
  const id = Number(root.dataset.tournamentId);
  const base = `/tournaments/${id}`;
  const $ = (testid) => root.querySelector(`[data-testid="${testid}"]`);
  const FULL_ROUNDS = 6;
  const MAX_ALL_ROUNDS = 12;
  const RANK_PAGE = 20;
  const SINGLE = /^(Final|Third place|Grand final|Grand final reset|Winners final|Losers final)$/;
  const VIEWS = { knockout: "knockout", double_elimination: "double", groups: "groups" }; // else "rounds"
  const TITLES = { knockout: "Bracket", double: "Brackets", groups: "Knockout and groups", rounds: "Rounds" };
  const view = VIEWS[root.dataset.format] || "rounds";
  const state = { snap: null, zoom: 1, allRounds: false, path: "", pathRound: 0, loadedFor: "", ready: [], focus: null, rankOffset: 0, draws: 0 };
  // Pages of sessions read since the snapshot last changed: a redraw (the organizer's rights
  // arrived, a path was found, the zoom changed) draws them again without asking the server.
  let pages = new Map();
  function sessionsPage(query) {
    if (!pages.has(query)) {
      const read = Bracketry.api("GET", `${base}/sessions?${query}`);
      pages.set(query, read);
      read.catch(() => pages.get(query) === read && pages.delete(query));
    }
    return pages.get(query);
  }
  const roundsView = RoundsView.create(document.getElementById("rounds-view"), sessionsPage);
  const timeline = TimelineView.create(document.getElementById("schedule"), base, (s) => sessionLabel(s));
  // Sessions with an open report are marked wherever they are drawn.
  const reports = document.getElementById("reports")
    ? ReportsView.create(document.getElementById("reports"), base, (s) => sessionLabel(s), [$("bracket"), $("rounds"), $("schedule")])
    : { update: async () => {} };

  document.getElementById("bracket-title").textContent = TITLES[view];
  document.getElementById("rounds-title").textContent = view === "groups" ? "Group stage" : words ? "Matches by round" : "Sessions by round";
  if (root.querySelector(".zoom")) root.querySelector(".zoom").hidden = view === "rounds";

  // Sessions the manage page may record or correct: ready ones, and decided ones but byes.
  function pickable(s) {
    if (root.dataset.manage !== "on" || !state.snap || state.snap.status !== "IN_PROGRESS") return false;
    if (s.entries && s.entries.length) return false;
    return s.status === "ready" || (s.status === "completed" && Boolean(s.result) && s.result.outcome !== "bye");
  }

  function ms(value) {
    return value === null || value === undefined ? "–" : `${value} ms`;
  }

  function range(first, last) {
    return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  }

  // The last round of one stage's side, or of a whole stage (0 without sessions).
  function lastRound(stage, side) {
    const rounds = state.snap.sides.filter((s) => s.stage === stage && (!side || s.side === side)).map((s) => s.rounds);
    return Math.max(0, ...rounds);
  }

  // The first round drawn of a bracket side ending in round `last`: its last few, or all.
  function firstShown(last) {
    const first = state.allRounds ? 1 : Math.max(1, last - FULL_ROUNDS + 1);
    return state.pathRound ? Math.min(first, state.pathRound) : first;
  }

  function drawnRounds() {
    if (view === "double") return Math.max(lastRound(1, "main"), lastRound(1, "losers"));
    if (view === "groups") return lastRound(2, "main");
    return view === "knockout" ? state.snap.rounds : 0;
  }

  // A round's name as the snapshot gives it ("Round 1", "Semi-final", "Losers final"…).
  function roundName(stage, side, round) {
    const entry = state.snap ? state.snap.sides.find((x) => x.stage === stage && x.side === side) : null;
    return (entry && entry.labels && entry.labels[round - 1]) || `Round ${round}`;
  }

  // A session's name: "Semi-final 2", "Round 1, match 5", "Final", "Losers round 2, match 1".
  function sessionLabel(s, number = true) {
    const name = roundName(s.stage, s.side, s.round);
    if (!number || SINGLE.test(name)) return name;
    if (s.side === "heat") return `${name}, heat ${s.number}`;
    return /\d$/.test(name) ? `${name}, match ${s.number}` : `${name} ${s.number}`;
  }

  // How the bracket draws: zoom, the path, the boxes the manage page may pick, the names.
  function drawing(stage, side) {
    return { zoom: state.zoom, path: state.path, pick: pickable, label: (s) => sessionLabel(s), heading: (round) => roundName(stage, side, round) };
  }

  // A job for people: its status, and while it runs, its phase and share done.
  function jobWords(job) {
    if (!job) return "not requested";
    if (!job.phase) return job.status;
    return `${job.status}: ${job.phase}` + (job.progress_pct === null || job.progress_pct === undefined ? "" : ` (${job.progress_pct} %)`);
  }

  function showSnapshot(snap) {
    state.snap = snap;
    $("tournament-status").textContent = words ? words[snap.status] || snap.status : snap.status;
    $("tournament-status").className = `status status-${snap.status.toLowerCase()}`;
    $("players-count").textContent = snap.enrolled_count;
    $("sessions-count").textContent = snap.played.total;
    $("results-pct").textContent = snap.results_pct;
    const job = snap.job;
    if ($("generation-status")) $("generation-status").textContent = jobWords(job);
    if ($("generation-timings")) $("generation-timings").textContent = job
      ? `queue ${ms(job.timings.queue_wait_ms)} · engine ${ms(job.timings.engine_ms)} · write ${ms(job.timings.db_write_ms)}` +
        ` · simulation ${ms(job.timings.simulation_ms)} · total ${ms(job.timings.total_ms)}` +
        (job.peak_rss_mb ? ` · peak ${job.peak_rss_mb} MB` : "") +
        (job.error ? ` · ${job.error}` : "")
      : "";
    for (const button of root.querySelectorAll("[data-action]")) {
      button.hidden = !snap.actions.includes(button.dataset.action);
    }
    const drawn = drawnRounds();
    const allRounds = document.getElementById("all-rounds");
    if (allRounds) allRounds.hidden = drawn <= FULL_ROUNDS || drawn > MAX_ALL_ROUNDS;
    root.dispatchEvent(new CustomEvent("bracketry:snapshot", { detail: snap }));
    const key = [
      snap.matches.total, snap.matches.completed, snap.results_changed_at, snap.rankings_count, snap.status,
      snap.reports_open, snap.reports_changed_at, snap.timetable_key, job ? job.phase : "",
    ].join("/");
    if (key !== state.loadedFor) {
      state.loadedFor = key;
      pages = new Map();
      refresh();
    }
  }

  // One reload at a time: a change seen while one runs reloads again after it, so an older
  // answer can never be drawn over a newer one.
  let pending = null;
  let running = false;
  let again = false;
  function refresh() {
    if (running) {
      again = true;
      return;
    }
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      running = true;
      try {
        // The rounds view opens on the round in play, which the snapshot names; the timetable
        // is read only once something is scheduled (the snapshot's timetable key says so).
        const hasSessions = state.snap.matches.total > 0;
        const scheduled = hasSessions && Boolean(state.snap.timetable_key);
        await Promise.all([loadReady().then(loadBracket), loadRankings(), timeline.update(scheduled), reports.update(hasSessions)]);
      } finally {
        running = false;
        if (again) {
          again = false;
          refresh();
        }
      }
    }, 150);
  }

  async function sessionsOfRound(round) {
    const page = await sessionsPage(`round=${round}&limit=10000`);
    return page.items;
  }

  // The last `count` sessions of a round. A round lists its sessions in bracket order (a
  // later stage or side after the earlier ones), so this reads those without the rest.
  async function roundTail(round, count) {
    const head = await sessionsPage(`round=${round}&limit=${count}`);
    if (head.next_offset === null) return head.items;
    const tail = await sessionsPage(`round=${round}&limit=${count}&offset=${head.total - count}`);
    return tail.items;
  }

  async function loadBracket() {
    const snap = state.snap;
    const pane = $("bracket");
    if (!snap || !snap.rounds) {
      pane.hidden = false;
      $("rounds").hidden = true;
      const job = snap && snap.job;
      const busy = job && job.phase ? `Generating the matches: ${job.phase.toLowerCase()}` + (job.progress_pct === null ? "…" : `, ${job.progress_pct} % done…`) : "Generating the matches…";
      pane.innerHTML = `<p class="empty" data-testid="generation-progress">${Bracketry.escape(job ? busy : "No matches yet.")}</p>`;
      return;
    }
    // Only the latest of overlapping draws is drawn (and scrolled): an older one may answer last.
    const ticket = ++state.draws;
    const latest = () => ticket === state.draws;
    const scroll = (drawn) => drawn && focus(pane);
    if (view === "knockout") return loadKnockout(pane, latest).then(scroll);
    if (view === "double") return loadDouble(pane, latest).then(scroll);
    if (view === "groups") return Promise.all([loadGroupsKnockout(pane, latest).then(scroll), loadRounds(1)]);
    pane.hidden = true;
    return loadRounds(null);
  }

  // After "All rounds" or "Show path", scroll the bracket to what was asked for: the found
  // player's latest match; else the first round with matches still to play, or once every
  // match is decided, the final.
  function focus(pane) {
    const wanted = state.focus;
    state.focus = null;
    if (!wanted) return;
    const boxes = [...pane.querySelectorAll("g.match")];
    const byRound = (a, b) => Number(a.dataset.round) - Number(b.dataset.round);
    let target;
    if (wanted === "path") {
      target = boxes.filter((g) => g.classList.contains("on-path")).sort(byRound).pop();
    } else {
      const open = boxes.filter((g) => !g.classList.contains("completed") && !g.classList.contains("locked"));
      const finals = boxes.filter((g) => g.dataset.side === "grand_final");
      const main = boxes.filter((g) => g.dataset.side === "main").sort(byRound);
      target = open.sort(byRound)[0] || finals.pop() || main.pop();
    }
    BracketView.reveal(pane, target);
  }

  async function loadKnockout(pane, latest) {
    const last = state.snap.rounds;
    const first = firstShown(last);
    const lists = await Promise.all(range(first, last).map(sessionsOfRound));
    if (!latest()) return false;
    BracketView.render(pane, lists.flat(), first, last, drawing(1, "main"));
    return true;
  }

  // Winners bracket, losers bracket and grand final(s), each its own section. The grand
  // final comes last in its round, so outside the rounds read whole it is read from the end.
  async function loadDouble(pane, latest) {
    const parts = [
      { key: "main", title: "Winners bracket", layout: "halving" },
      { key: "losers", title: "Losers bracket", layout: "even" },
      { key: "grand_final", title: "Grand final", layout: "even" },
    ];
    for (const part of parts) {
      part.lastRound = lastRound(1, part.key);
      part.firstRound = part.key === "grand_final" ? 1 : firstShown(part.lastRound);
      part.heading = (round) => roundName(1, part.key, round);
    }
    const whole = new Set(parts.slice(0, 2).flatMap((part) => range(part.firstRound, part.lastRound)));
    const finals = range(1, parts[2].lastRound).filter((round) => !whole.has(round));
    const lists = await Promise.all([...[...whole].map(sessionsOfRound), ...finals.map((round) => roundTail(round, 1))]);
    const sessions = lists.flat();
    for (const part of parts) {
      part.sessions = sessions.filter((s) => s.side === part.key && s.round >= part.firstRound);
    }
    if (!latest()) return false;
    BracketView.renderParts(pane, parts, drawing(1, "main"));
    return true;
  }

  // Groups: the knockout (stage 2) once the groups are over. Its sessions come after the
  // groups' in each round: 2^(last − r) of them, and the third-place match in the last.
  async function loadGroupsKnockout(pane, latest) {
    const last = lastRound(2, "main");
    pane.hidden = false;
    if (!last) {
      pane.innerHTML = '<p class="empty">The knockout is drawn once every group match is decided.</p>';
      return false;
    }
    const first = firstShown(last);
    const lists = await Promise.all(range(first, last).map((round) => roundTail(round, 2 ** (last - round) + 1)));
    const knockout = lists.flat().filter((s) => s.stage === 2);
    if (!latest()) return false;
    BracketView.render(pane, knockout, first, last, drawing(2, "main"));
    return true;
  }

  // One stage's rounds (null: every session of a round), opening on the round in play.
  function loadRounds(stage) {
    const last = stage === null ? state.snap.rounds : lastRound(stage);
    const inPlay = state.snap.rounds_in_play || {};
    const current = stage === null ? Object.values(inPlay)[0] : inPlay[stage];
    // The rounds' names: of the stage's side that reaches its last round.
    const side = state.snap.sides.find((x) => (stage === null || x.stage === stage) && x.rounds === last);
    const labels = side ? side.labels : [];
    $("rounds").hidden = false;
    return roundsView.update({ stage, rounds: last, labels, current: current || last, path: state.path, pickable });
  }

  function figure(value) {
    return String(Math.round(value * 100) / 100);
  }

  // Rankings columns: rank and player, then the figures the API names for this format.
  function rankingColumns(figures) {
    const num = (head, cell, title = "") => ({ head, cell, cls: "num", title });
    const tiebreak = (name) => (r) => {
      const v = r.tiebreaks ? r.tiebreaks[name] : null;
      if (v === null || v === undefined) return "–";
      return name === "group" && v >= 1 && v <= 26 ? String.fromCharCode(64 + v) : figure(v);
    };
    const cells = {
      round_reached: (r) => r.round_reached,
      record: (r) => `${r.wins}–${r.losses}`,
      scores: (r) => `${r.score_for}:${r.score_against}`,
      points: (r) => figure(r.points),
      wins: (r) => r.wins,
      draws: (r) => r.draws,
      losses: (r) => r.losses,
    };
    const columns = [num("#", (r) => r.rank), { head: "Player", cell: (r) => Bracketry.escape(r.name), cls: "", title: "" }];
    for (const f of figures || []) {
      const cell = f.key.startsWith("tiebreaks.") ? tiebreak(f.key.slice(10)) : cells[f.key];
      if (cell) columns.push(num(f.heading, cell));
    }
    return columns;
  }

  async function loadRankings() {
    const table = $("rankings");
    if (!state.snap) return;
    const empty = { items: [], total: 0, next_offset: null, columns: [] };
    let page = state.snap.rankings_count
      ? await Bracketry.api("GET", `${base}/rankings?limit=${RANK_PAGE}&offset=${state.rankOffset}`)
      : empty;
    if (state.rankOffset > 0 && !page.items.length) {
      state.rankOffset = 0; // fewer rows than before: back to the first page
      page = state.snap.rankings_count ? await Bracketry.api("GET", `${base}/rankings?limit=${RANK_PAGE}&offset=0`) : empty;
    }
    const rows = page.items;
    if (state.rankOffset === 0) showChampion(rows);
    const columns = rankingColumns(page.columns);
    table.querySelector("thead").innerHTML =
      "<tr>" + columns.map((c) => `<th class="${c.cls}" scope="col">${Bracketry.escape(c.head)}</th>`).join("") + "</tr>";
    table.querySelector("tbody").innerHTML = rows.length
      ? rows.map((r) => "<tr>" + columns.map((c) => `<td class="${c.cls}">${c.cell(r)}</td>`).join("") + "</tr>").join("")
      : `<tr><td colspan="${columns.length}">Not calculated yet.</td></tr>`;
    const pager = $("rankings-pager");
    if (pager) {
      pager.hidden = page.total <= RANK_PAGE;
      pager.querySelector('[data-rank-page="-1"]').hidden = state.rankOffset === 0;
      pager.querySelector('[data-rank-page="1"]').hidden = page.next_offset === null;
      $("rankings-caption").textContent = rows.length
        ? `${state.rankOffset + 1}–${state.rankOffset + rows.length} of ${page.total}`
        : "";
    }
  }

  const rankPager = $("rankings-pager");
  if (rankPager) rankPager.addEventListener("click", (event) => {
    const button = event.target.closest("[data-rank-page]");
    if (!button) return;
    state.rankOffset = Math.max(0, state.rankOffset + Number(button.dataset.rankPage) * RANK_PAGE);
    loadRankings();
  });

  // The champion line of the public and manage pages: the first place once complete.
  function showChampion(rows) {
    const line = $("champion-line");
    if (!line) return;
    const first = state.snap.status === "COMPLETED" ? rows.filter((r) => r.rank === 1).map((r) => r.name) : [];
    line.hidden = !first.length;
    line.querySelector("strong").textContent = first.join(" and ");
  }

  async function loadReady() {
    const select = $("result-session");
    state.ready = [];
    if (!state.snap || state.snap.status !== "IN_PROGRESS") {
      if (!select) return;
      select.innerHTML = '<option value="">no session is ready</option>';
      syncOutcomes();
      return;
    }
    if (!select) return; // only the monitor's result form lists them
    const page = await Bracketry.api("GET", `${base}/sessions?status=ready&limit=500`);
    state.ready = page.items;
    const keep = select.value;
    select.innerHTML = page.items.length
      ? page.items
          .map((s) => {
            const players = (s.participants || []).filter(Boolean).map((p) => p.name);
            const names = players.length > 2 ? players.join(", ") : players.join(" vs ");
            return `<option value="${s.id}">${Bracketry.escape(`${sessionLabel(s)}: ${names}`)}</option>`;
          })
          .join("")
      : '<option value="">no session is ready</option>';
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
    syncOutcomes();
  }

  // A draw is offered only where the chosen session's stage has draws.
  function syncOutcomes() {
    const form = document.getElementById("result-form");
    const chosen = state.ready.find((s) => String(s.id) === form.elements.session.value);
    const draw = form.elements.outcome.querySelector('option[value="draw"]');
    draw.hidden = draw.disabled = !(chosen && state.snap.draw_stages.includes(chosen.stage));
    if (draw.disabled && form.elements.outcome.value === "draw") form.elements.outcome.value = "win";
  }

  async function act(action) {
    const error = document.getElementById("action-error");
    error.textContent = "";
    const calls = {
      generate: ["generate-sessions", { simulation_mode: "manual" }],
      simulate: ["simulate-results", { seed: 0 }],
      "calculate-rankings": ["calculate-rankings", undefined],
      complete: ["complete", undefined],
    };
    const [path, body] = calls[action];
    try {
      await Bracketry.api("POST", `${base}/${path}`, body);
    } catch (failure) {
      error.textContent = failure.message;
    }
  }

  for (const button of root.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => act(button.dataset.action));
  }

  const resultForm = document.getElementById("result-form");
  if (resultForm) resultForm.elements.session.addEventListener("change", syncOutcomes);
  if (resultForm) resultForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const error = document.getElementById("result-error");
    const ok = document.getElementById("result-ok");
    error.textContent = "";
    ok.textContent = "";
    const sessionId = form.elements.session.value;
    if (!sessionId) {
      error.textContent = "No session is ready for a result.";
      return;
    }
    if (state.ready.some((s) => String(s.id) === sessionId && s.entries)) {
      error.textContent = `A heat's result is every player's attempts: POST /api/v1${base}/sessions/${sessionId}/heat-result.`;
      return;
    }
    const number = (input) => (input.value === "" ? null : Number(input.value));
    const body = { outcome: form.elements.outcome.value, score_a: number(form.elements.score_a), score_b: number(form.elements.score_b) };
    if (form.elements.winner.value !== "") {
      const session = await Bracketry.api("GET", `${base}/sessions/${sessionId}`);
      body.winner_id = session.participants[Number(form.elements.winner.value)].player_id;
    }
    try {
      const saved = await Bracketry.api("POST", `${base}/sessions/${sessionId}/result`, body);
      const winner = saved.participants.find((p) => p && p.player_id === saved.result.winner_id);
      ok.textContent = winner ? `Recorded: ${winner.name} ${saved.winner_to ? "goes through" : "wins"}.` : "Recorded.";
      form.reset();
      syncOutcomes();
    } catch (failure) {
      error.textContent = failure.message;
    }
  });

  function verdict(s, playerId) {
    if (!s.result) return "to play";
    const entry = (s.entries || []).find((e) => e.player_id === playerId);
    if (entry) return `placed ${entry.place}`;
    if (s.result.outcome === "bye" || s.result.outcome === "double_forfeit") return s.result.outcome.replace("_", " ");
    if (s.result.winner_id === null) return "drew";
    return s.result.winner_id === playerId ? "won" : "lost";
  }

  const searchForm = document.getElementById("search-form");
  if (searchForm) searchForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = document.getElementById("player-search").value.trim().toLowerCase();
    const out = $("player-path");
    state.path = "";
    state.pathRound = 0;
    if (!wanted || !state.snap || !state.snap.rounds) {
      out.textContent = "";
      await loadBracket();
      return;
    }
    // Everyone plays in round 1, except a player resting in an odd round robin: try round 2.
    let found = null;
    for (const round of range(1, Math.min(2, state.snap.rounds))) {
      const sessions = await sessionsOfRound(round);
      found = sessions.flatMap((s) => s.participants || []).find((p) => p && p.name.toLowerCase().includes(wanted));
      if (found) break;
    }
    if (!found) {
      out.textContent = `No player matches “${wanted}”.`;
      return;
    }
    const page = await Bracketry.api("GET", `${base}/sessions?player_id=${found.player_id}&limit=100`);
    state.path = String(found.player_id);
    state.pathRound = Math.min(...page.items.map((s) => s.round));
    state.focus = "path";
    out.textContent =
      `${found.name}: ` +
      page.items
        .map((s) => {
          const other = !s.entries && (s.participants || []).find((p) => p && p.player_id !== found.player_id);
          return `${sessionLabel(s, false)} ${verdict(s, found.player_id)}${other ? " vs " + other.name : ""}`;
        })
        .join(" → ");
    await loadBracket();
  });

  root.addEventListener("bracketry:redraw", () => loadBracket());
  if (root.querySelector(".zoom")) root.querySelector(".zoom").addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.id === "all-rounds") {
      state.allRounds = !state.allRounds;
      state.focus = "play";
      button.textContent = state.allRounds ? "Last rounds" : "All rounds";
    } else {
      const step = { in: 1.25, out: 0.8, reset: 0 }[button.dataset.zoom];
      state.zoom = step ? Math.min(3, Math.max(0.2, state.zoom * step)) : 1;
      root.querySelector('[data-zoom="reset"]').textContent = `${Math.round(state.zoom * 100)} %`;
    }
    loadBracket();
  });

  // Drag to pan the bracket.
  const pane = $("bracket");
  let drag = null;
  pane.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, left: pane.scrollLeft, top: pane.scrollTop };
  });
  window.addEventListener("pointerup", () => {
    drag = null;
  });
  pane.addEventListener("pointermove", (e) => {
    if (!drag) return;
    pane.scrollLeft = drag.left - (e.clientX - drag.x);
    pane.scrollTop = drag.top - (e.clientY - drag.y);
  });

  // The stream is the source of truth; the snapshot the page came with only paints early
  // (once every page script listens), and never over a newer streamed one.
  let streamed = false;
  const stream = new EventSource(`/api/v1${base}/events`);
  stream.addEventListener("snapshot", (event) => {
    streamed = true;
    showSnapshot(JSON.parse(event.data));
  });
  stream.addEventListener("end", () => stream.close());
  function paintFirst() {
    const first = document.getElementById("first-snapshot");
    if (!streamed && first) showSnapshot(JSON.parse(first.textContent));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", paintFirst);
  else paintFirst();
})();
