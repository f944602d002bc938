"use strict";
// The live monitor: a Server-Sent Events stream of snapshots drives every figure on the page;
// the bracket, rankings and result form are refetched when results change.
(() => {
  const root = document.getElementById("monitor");
  const id = Number(root.dataset.tournamentId);
  const base = `/tournaments/${id}`;
  const $ = (testid) => root.querySelector(`[data-testid="${testid}"]`);
  const FULL_ROUNDS = 6;
  const MAX_ALL_ROUNDS = 12;
  const state = { snap: null, zoom: 1, allRounds: false, path: "", loadedFor: "" };

  function ms(value) {
    return value === null || value === undefined ? "–" : `${value} ms`;
  }

  function showSnapshot(snap) {
    state.snap = snap;
    $("tournament-status").textContent = snap.status;
    $("tournament-status").className = `status status-${snap.status.toLowerCase()}`;
    $("players-count").textContent = snap.enrolled_count;
    $("sessions-count").textContent = snap.matches.total;
    $("results-pct").textContent = snap.results_pct;
    const job = snap.job;
    $("generation-status").textContent = job ? job.status : "not requested";
    $("generation-timings").textContent = job
      ? `queue ${ms(job.timings.queue_wait_ms)} · engine ${ms(job.timings.engine_ms)} · write ${ms(job.timings.db_write_ms)}` +
        ` · simulation ${ms(job.timings.simulation_ms)} · total ${ms(job.timings.total_ms)}` +
        (job.peak_rss_mb ? ` · peak ${job.peak_rss_mb} MB` : "") +
        (job.error ? ` · ${job.error}` : "")
      : "";
    for (const button of root.querySelectorAll("[data-action]")) {
      button.hidden = !snap.actions.includes(button.dataset.action);
    }
    document.getElementById("all-rounds").hidden = snap.rounds <= FULL_ROUNDS || snap.rounds > MAX_ALL_ROUNDS;
    const key = `${snap.matches.total}/${snap.matches.completed}/${snap.rankings_count}/${snap.status}`;
    if (key !== state.loadedFor) {
      state.loadedFor = key;
      refresh();
    }
  }

  let pending = null;
  function refresh() {
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      await Promise.all([loadBracket(), loadRankings(), loadReady()]);
    }, 150);
  }

  async function sessionsOfRound(round) {
    const page = await Bracketry.api("GET", `${base}/sessions?round=${round}&limit=10000`);
    return page.items;
  }

  async function loadBracket() {
    const snap = state.snap;
    const container = $("bracket");
    if (!snap || !snap.rounds) {
      container.innerHTML = `<p class="empty">${snap && snap.job ? "Generating sessions…" : "No sessions yet."}</p>`;
      return;
    }
    let first = state.allRounds ? 1 : Math.max(1, snap.rounds - FULL_ROUNDS + 1);
    if (state.pathRound) first = Math.min(first, state.pathRound);
    const rounds = [];
    for (let r = first; r <= snap.rounds; r += 1) rounds.push(r);
    const lists = await Promise.all(rounds.map(sessionsOfRound));
    BracketView.render(container, lists.flat(), first, snap.rounds, state.zoom, state.path);
  }

  async function loadRankings() {
    const body = $("rankings").querySelector("tbody");
    if (!state.snap || !state.snap.rankings_count) {
      body.innerHTML = '<tr><td colspan="5">Not calculated yet.</td></tr>';
      return;
    }
    const page = await Bracketry.api("GET", `${base}/rankings?limit=20`);
    body.innerHTML = page.items
      .map(
        (r) =>
          `<tr><td class="num">${r.rank}</td><td>${Bracketry.escape(r.name)}</td><td class="num">${r.round_reached}</td>` +
          `<td class="num">${r.wins}–${r.losses}</td><td class="num">${r.score_for}:${r.score_against}</td></tr>`,
      )
      .join("");
  }

  async function loadReady() {
    const select = $("result-session");
    if (!state.snap || state.snap.status !== "IN_PROGRESS") {
      select.innerHTML = '<option value="">no session is ready</option>';
      return;
    }
    const page = await Bracketry.api("GET", `${base}/sessions?status=ready&limit=500`);
    const keep = select.value;
    select.innerHTML = page.items.length
      ? page.items
          .map((s) => {
            const [a, b] = s.participants;
            const label = `R${s.round} #${s.number}${s.side === "third_place" ? " (3rd place)" : ""}: ${a.name} vs ${b.name}`;
            return `<option value="${s.id}">${Bracketry.escape(label)}</option>`;
          })
          .join("")
      : '<option value="">no session is ready</option>';
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
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

  document.getElementById("result-form").addEventListener("submit", async (event) => {
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
    const number = (input) => (input.value === "" ? null : Number(input.value));
    const body = { outcome: form.elements.outcome.value, score_a: number(form.elements.score_a), score_b: number(form.elements.score_b) };
    if (form.elements.winner.value !== "") {
      const session = await Bracketry.api("GET", `${base}/sessions/${sessionId}`);
      body.winner_id = session.participants[Number(form.elements.winner.value)].player_id;
    }
    try {
      const saved = await Bracketry.api("POST", `${base}/sessions/${sessionId}/result`, body);
      const winner = saved.participants.find((p) => p && p.player_id === saved.result.winner_id);
      ok.textContent = winner ? `Recorded: ${winner.name} goes through.` : "Recorded.";
      form.reset();
    } catch (failure) {
      error.textContent = failure.message;
    }
  });

  document.getElementById("search-form").addEventListener("submit", async (event) => {
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
    const first = await sessionsOfRound(1);
    const found = first
      .flatMap((s) => s.participants || [])
      .find((p) => p && p.name.toLowerCase().includes(wanted));
    if (!found) {
      out.textContent = `No player matches “${wanted}”.`;
      return;
    }
    const page = await Bracketry.api("GET", `${base}/sessions?player_id=${found.player_id}&limit=100`);
    state.path = String(found.player_id);
    state.pathRound = Math.min(...page.items.map((s) => s.round));
    out.textContent =
      `${found.name}: ` +
      page.items
        .map((s) => {
          const other = (s.participants || []).find((p) => p && p.player_id !== found.player_id);
          const verdict = !s.result ? "to play" : s.result.outcome === "bye" ? "bye" : s.result.winner_id === found.player_id ? "won" : "lost";
          return `R${s.round} ${verdict}${other ? " vs " + other.name : ""}`;
        })
        .join(" → ");
    await loadBracket();
  });

  root.querySelector(".zoom").addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.id === "all-rounds") {
      state.allRounds = !state.allRounds;
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

  const stream = new EventSource(`/api/v1${base}/events`);
  stream.addEventListener("snapshot", (event) => showSnapshot(JSON.parse(event.data)));
  stream.addEventListener("end", () => stream.close());
  Bracketry.api("GET", `${base}/monitor`).then(showSnapshot);
})();
