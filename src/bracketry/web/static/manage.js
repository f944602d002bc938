"use strict";
// The manage page: the lifecycle moves allowed now, players, results by choosing a match, and
// corrections that say which later results they clear. Every change is an API call with the
// kept token; the controls show only once the API has answered that this viewer may manage
// the tournament (its organiser's audit log is readable to its organiser and admins only).
(() => {
  const root = document.getElementById("monitor");
  const id = Number(root.dataset.tournamentId);
  const base = `/tournaments/${id}`;
  const words = JSON.parse(root.dataset.words);
  const moves = JSON.parse(root.dataset.moves); // status → targets of a status change
  const byId = (name) => document.getElementById(name);
  const access = byId("manage-access");
  const steps = byId("steps");
  const stepError = byId("step-error");
  const note = byId("result-note");
  const dialog = byId("result-dialog");
  const form = byId("match-form");
  let snap = null;
  let current = null; // the session in the result form
  let pending = null; // the correction waiting for confirmation

  const plain = (message) => Bracketry.plain(message, words);

  // ---- who may manage --------------------------------------------------------------------
  async function checkAccess() {
    root.dataset.manage = "off";
    steps.hidden = true;
    if (!Bracketry.token()) {
      access.textContent = "Sign in above as this tournament's organizer or an admin to manage it.";
      access.hidden = false;
    } else {
      try {
        await Bracketry.api("GET", `${base}/audit?limit=1`, undefined, { auth: true });
        root.dataset.manage = "on";
        access.hidden = true;
        steps.hidden = false;
      } catch (failure) {
        access.textContent =
          failure.status === 401 || failure.status === 403
            ? "This account may not manage this tournament: sign in as its organizer or an admin."
            : `Could not check your rights: ${plain(failure.message)}`;
        access.hidden = false;
      }
    }
    if (snap) showSteps(snap);
    root.dispatchEvent(new CustomEvent("bracketry:manage", { detail: { on: root.dataset.manage === "on" } }));
    root.dispatchEvent(new CustomEvent("bracketry:redraw"));
  }
  document.addEventListener("bracketry:account", checkAccess);

  // ---- lifecycle -------------------------------------------------------------------------
  function showSteps(s) {
    const allowed = moves[s.status] || [];
    for (const button of steps.querySelectorAll("[data-move]")) {
      button.hidden = !allowed.includes(button.dataset.move);
      if (button.dataset.move === "ENROLLMENT_OPEN") {
        button.textContent = s.status === "ENROLLMENT_CLOSED" ? "Reopen enrollment" : "Open enrollment";
      }
    }
    for (const button of steps.querySelectorAll("[data-action-step]")) {
      button.hidden = !s.actions.includes(button.dataset.actionStep);
    }
    for (const item of root.querySelectorAll("[data-needs=rankings]")) item.hidden = !s.rankings_count;
    for (const item of root.querySelectorAll("[data-needs-not=rankings]")) item.hidden = Boolean(s.rankings_count);
  }

  async function step(call) {
    stepError.textContent = "";
    note.textContent = "";
    for (const button of steps.querySelectorAll("button")) button.disabled = true;
    try {
      await call();
    } catch (failure) {
      stepError.textContent = plain(failure.message);
    } finally {
      for (const button of steps.querySelectorAll("button")) button.disabled = false;
    }
  }

  const ACTIONS = {
    generate: ["generate-sessions", { simulation_mode: "manual" }],
    "calculate-rankings": ["calculate-rankings", undefined],
    complete: ["complete", undefined],
  };
  steps.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.move === "CANCELLED") {
      byId("cancel-confirm").hidden = false;
      return;
    }
    if (button.dataset.move) {
      step(() => Bracketry.api("POST", `${base}/status`, { status: button.dataset.move, reason: "organizer" }));
    } else if (button.dataset.actionStep) {
      const [path, body] = ACTIONS[button.dataset.actionStep];
      step(() => Bracketry.api("POST", `${base}/${path}`, body));
    }
  });
  byId("cancel-no").addEventListener("click", () => {
    byId("cancel-confirm").hidden = true;
  });
  byId("cancel-yes").addEventListener("click", () => {
    byId("cancel-confirm").hidden = true;
    step(() => Bracketry.api("POST", `${base}/status`, { status: "CANCELLED", reason: "cancelled by the organizer" }));
  });

  // ---- results ---------------------------------------------------------------------------
  function matchName(s) {
    if (s.side === "third_place") return "Match for third place";
    const side = { losers: "Losers bracket ", grand_final: "Grand final " }[s.side] || "";
    const stage = snap && snap.format === "groups" ? (s.stage === 1 ? "Groups, " : "Knockout, ") : "";
    return `${stage}${side}${side ? "round" : "Round"} ${s.round}, match ${s.number}`;
  }

  function people(s) {
    return (s.participants || []).map((p) => (p ? p.name : "to be decided"));
  }

  function scoreOf(s) {
    const r = s.result;
    if (!r) return "no result";
    if (r.score_a !== null && r.score_b !== null) return `${r.score_a}–${r.score_b}`;
    return r.outcome.replace(/_/g, " ");
  }

  async function openMatch(sessionId) {
    const s = await Bracketry.api("GET", `${base}/sessions/${sessionId}`);
    current = s;
    pending = null;
    const [a, b] = people(s);
    byId("result-dialog-title").textContent = `${matchName(s)}: ${a} vs ${b}`;
    byId("match-state").textContent =
      s.status === "completed" ? `Recorded now: ${scoreOf(s)}. A new result replaces it.` : "Enter both scores.";
    byId("match-scores").innerHTML = [a, b]
      .map(
        (name, slot) =>
          `<label>${Bracketry.escape(name)}<input type="number" min="0" inputmode="numeric" name="score_${slot ? "b" : "a"}"` +
          ` value="${s.result && s.result[slot ? "score_b" : "score_a"] !== null ? s.result[slot ? "score_b" : "score_a"] : ""}"></label>`,
      )
      .join("");
    form.elements.ending.innerHTML =
      '<option value="played">Played: the scores decide</option>' +
      [a, b].map((name, slot) => `<option value="${slot}">${Bracketry.escape(name)} wins by forfeit</option>`).join("");
    byId("reset-warning").hidden = true;
    byId("match-error").textContent = "";
    byId("match-submit").textContent = s.status === "completed" ? "Record corrected result" : "Record result";
    if (!dialog.open) dialog.showModal();
    form.elements.score_a.focus();
  }

  function resultBody() {
    const number = (input) => (input.value === "" ? null : Number(input.value));
    const ending = form.elements.ending.value;
    const body = { outcome: "win", score_a: number(form.elements.score_a), score_b: number(form.elements.score_b) };
    if (ending !== "played") {
      body.outcome = "forfeit";
      body.winner_id = current.participants[Number(ending)].player_id;
    } else if (body.score_a !== null && body.score_a === body.score_b && snap.draw_stages.includes(current.stage)) {
      body.outcome = "draw";
    } else if (body.score_a === null || body.score_b === null) {
      throw new Error("Enter both scores, or choose a forfeit.");
    }
    return body;
  }

  // The sessions a correction would clear, named by the API's refusal.
  async function explainReset(message) {
    const ids = (/resets sessions ([\d, ]+)/.exec(message) || ["", ""])[1].split(",").map((x) => x.trim()).filter(Boolean);
    const more = /and (\d+) more/.exec(message);
    const list = byId("reset-list");
    const found = await Promise.all(ids.map((sid) => Bracketry.api("GET", `${base}/sessions/${sid}`)));
    list.innerHTML =
      found.map((s) => `<li>${Bracketry.escape(`${matchName(s)}: ${people(s).join(" vs ")} (${scoreOf(s)})`)}</li>`).join("") +
      (more ? `<li>and ${more[1]} more</li>` : "");
    byId("reset-warning").hidden = false;
  }

  async function send(force) {
    const error = byId("match-error");
    error.textContent = "";
    let body;
    try {
      body = resultBody();
    } catch (failure) {
      error.textContent = failure.message;
      return;
    }
    const correcting = current.status === "completed";
    try {
      let saved;
      if (correcting) {
        saved = (await Bracketry.api("PUT", `${base}/sessions/${current.id}/result`, { ...body, force })).session;
      } else {
        saved = await Bracketry.api("POST", `${base}/sessions/${current.id}/result`, body);
      }
      const winner = (saved.participants || []).find((p) => p && saved.result && p.player_id === saved.result.winner_id);
      note.textContent = `${correcting ? "Corrected" : "Recorded"}: ${matchName(saved)}, ${winner ? `${winner.name} wins` : scoreOf(saved)}.`;
      dialog.close();
    } catch (failure) {
      if (failure.status === 409 && failure.field === "force" && !force) {
        pending = body;
        await explainReset(failure.message);
        return;
      }
      const problem = failure.problems.length ? failure.problems[0].message : failure.message;
      error.textContent = plain(problem);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(false);
  });
  byId("force-submit").addEventListener("click", () => {
    if (pending) send(true);
  });
  byId("match-close").addEventListener("click", () => dialog.close());

  function chosen(event) {
    const target = event.target.closest('[role="button"][data-session-id], button.pick-row');
    return target && root.dataset.manage === "on" ? target.dataset.sessionId : null;
  }
  root.addEventListener("click", (event) => {
    const sid = chosen(event);
    if (sid) openMatch(sid);
  });
  root.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const sid = chosen(event);
    if (sid && !event.target.matches("button")) {
      event.preventDefault();
      openMatch(sid);
    }
  });

  // ---- public link -----------------------------------------------------------------------
  const url = byId("public-url");
  url.value = new URL(`/t/${id}`, window.location.href).href;
  byId("copy-link").addEventListener("click", async () => {
    const state = byId("copy-state");
    try {
      await navigator.clipboard.writeText(url.value);
      state.textContent = "Link copied.";
    } catch (_) {
      url.select();
      state.textContent = "Select the link and copy it.";
    }
  });

  root.addEventListener("bracketry:snapshot", (event) => {
    snap = event.detail;
    showSteps(snap);
  });
  checkAccess();
})();
