"use strict";
// The manage page: the lifecycle moves allowed now, renaming and deleting, results by choosing
// a match, and corrections that say which later results they clear. Every change is an API
// call with the kept token; the controls show only once the API has answered that this viewer
// may change the tournament: GET …/rights says what this token may do here (its organizer or
// an admin manages; a "read" API key only reads; a "results" key or an assigned referee
// records results). One message shows at a time, and every message goes when the tournament's status
// or the viewer changes: none describes a state that is gone.
//
// ManagePage is shared with heat-entry.js and manage-reports.js (loaded after this script).
const ManagePage = (() => {
  const root = document.getElementById("monitor");
  const id = Number(root.dataset.tournamentId);
  const base = `/tournaments/${id}`;
  const words = JSON.parse(root.dataset.words);
  const moves = JSON.parse(root.dataset.moves); // status → targets of a status change
  const byId = (name) => document.getElementById(name);
  const access = byId("manage-access");
  const steps = byId("steps");
  const edits = byId("edits");
  const renameForm = byId("rename-form");
  const stepError = byId("step-error");
  const note = byId("result-note");
  const dialog = byId("result-dialog");
  const form = byId("match-form");
  let snap = null;
  let scope = ""; // what the token may do here: "", "read", "results" or "full"
  let checks = 0; // the latest access check; an older answer is dropped
  let current = null; // the session in the result form
  let pending = null; // the correction waiting for confirmation

  const plain = (message) => Bracketry.plain(message, words);
  const problem = (failure) => plain(failure.problems.length ? failure.problems[0].message : failure.message);

  // ---- messages ------------------------------------------------------------------------------
  // Every success or error line of the page (players' lines included) and the confirmations.
  function clear() {
    for (const line of root.querySelectorAll("p.ok, p.error")) line.textContent = "";
  }

  function say(line, text) {
    clear();
    line.textContent = text;
  }

  // What belongs to a state that has just gone: messages, open dialogs and confirmations.
  function forget() {
    clear();
    for (const open of root.querySelectorAll("dialog[open]")) open.close();
    for (const box of [byId("cancel-confirm"), byId("delete-confirm")]) box.hidden = true;
    closeRename();
  }

  // ---- who may manage --------------------------------------------------------------------
  const SCOPE_WORDS = {
    read: "This key may only read: it follows the tournament but changes nothing. Sign in as its organizer, or save a key of scope “results” or “full”, to make changes.",
    results: "This key may record results only: the lifecycle, the name and the players are its organizer’s.",
  };

  // One read of what this token may do here, by the same checks the API's changes apply.
  async function whatMay() {
    const rights = await Bracketry.api("GET", `${base}/rights`, undefined, { auth: true });
    if (rights.manage) return "full";
    if (rights.record_results) return "results";
    if (rights.owner) return rights.scope; // its organiser's key that may only read
    const refused = new Error("not this tournament's organizer");
    refused.status = 403;
    throw refused;
  }

  async function checkAccess() {
    const ticket = ++checks;
    forget();
    let found = "";
    let refusal = "Sign in above as this tournament's organizer or an admin to manage it.";
    if (Bracketry.token()) {
      try {
        found = await whatMay();
      } catch (failure) {
        refusal =
          failure.status === 401 || failure.status === 403
            ? "This account may not manage this tournament: sign in as its organizer or an admin."
            : `Could not check your rights: ${plain(failure.message)}`;
      }
    }
    if (ticket !== checks) return;
    scope = found;
    root.dataset.scope = scope;
    root.dataset.manage = scope === "full" || scope === "results" ? "on" : "off";
    access.textContent = scope ? SCOPE_WORDS[scope] || "" : refusal;
    access.hidden = scope === "full";
    if (snap) showSteps(snap);
    const detail = { on: scope === "full", results: root.dataset.manage === "on", scope };
    root.dispatchEvent(new CustomEvent("bracketry:manage", { detail }));
    root.dispatchEvent(new CustomEvent("bracketry:redraw"));
  }
  document.addEventListener("bracketry:account", checkAccess);

  // ---- lifecycle, rename, delete ---------------------------------------------------------
  function showSteps(s) {
    const full = scope === "full";
    steps.hidden = !full;
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
    const renamable = full && s.actions.includes("rename");
    const deletable = full && s.actions.includes("delete");
    byId("rename-open").hidden = !renamable;
    byId("delete-open").hidden = !deletable;
    edits.hidden = !renamable && !deletable;
    if (!renamable) closeRename();
    if (!deletable) byId("delete-confirm").hidden = true;
    for (const item of root.querySelectorAll("[data-needs=rankings]")) item.hidden = !s.rankings_count;
    for (const item of root.querySelectorAll("[data-needs-not=rankings]")) item.hidden = Boolean(s.rankings_count);
  }

  async function step(call) {
    clear();
    for (const button of steps.querySelectorAll("button")) button.disabled = true;
    try {
      await call();
    } catch (failure) {
      say(stepError, problem(failure));
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

  function showName(name) {
    byId("name").textContent = name;
    document.title = `Manage ${name} · bracketry`;
  }

  function closeRename() {
    renameForm.hidden = true;
    byId("rename-open").setAttribute("aria-expanded", "false");
  }

  byId("rename-open").addEventListener("click", () => {
    clear();
    renameForm.hidden = false;
    byId("rename-open").setAttribute("aria-expanded", "true");
    renameForm.elements.name.value = byId("name").textContent;
    renameForm.elements.name.focus();
  });
  byId("rename-close").addEventListener("click", closeRename);
  renameForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear();
    try {
      const saved = await Bracketry.api("PATCH", base, { name: renameForm.elements.name.value.trim() });
      closeRename();
      showName(saved.name);
      say(note, `Renamed to “${saved.name}”.`);
    } catch (failure) {
      say(stepError, problem(failure));
    }
  });

  byId("delete-open").addEventListener("click", () => {
    clear();
    byId("delete-confirm").hidden = false;
  });
  byId("delete-no").addEventListener("click", () => {
    byId("delete-confirm").hidden = true;
  });
  byId("delete-yes").addEventListener("click", async () => {
    byId("delete-confirm").hidden = true;
    const name = byId("name").textContent;
    try {
      await Bracketry.api("DELETE", base);
    } catch (failure) {
      say(stepError, problem(failure));
      return;
    }
    sessionStorage.setItem("bracketry-flash", `The tournament “${name}” was deleted.`);
    window.location.assign("/");
  });

  // ---- results ---------------------------------------------------------------------------
  // A round by the name the snapshot gives it ("Semi-final", "Losers round 2"…).
  function roundName(s) {
    const side = snap && (snap.sides || []).find((x) => x.stage === s.stage && x.side === s.side);
    return (side && side.labels && side.labels[s.round - 1]) || `Round ${s.round}`;
  }

  // "Semi-final, match 2", "Round 1, heat 3", "Groups, Round 2, match 1"…
  function matchName(s) {
    if (s.entries) return `${roundName(s)}, heat ${s.number}`;
    if (s.side === "third_place") return "Match for third place";
    const stage = snap && snap.format === "groups" ? (s.stage === 1 ? "Groups, " : "Knockout, ") : "";
    return `${stage}${roundName(s)}, match ${s.number}`;
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

  // Whether this viewer may correct a decided session (a "results" key records new ones only).
  function mayCorrect() {
    return scope === "full";
  }

  // The correction's confirmation: the later results it clears are listed, and confirming is
  // the only way forward (or back to the scores, or close).
  function confirming(on) {
    byId("reset-warning").hidden = !on;
    byId("force-submit").hidden = !on;
    byId("match-back").hidden = !on;
    byId("match-submit").hidden = on;
    for (const field of form.querySelectorAll("input, select")) field.disabled = on;
    if (!on) pending = null;
  }

  // Opens the result form of a session; `prefill` (a reported result) fills it in.
  async function openMatch(sessionId, prefill = null) {
    const s = await Bracketry.api("GET", `${base}/sessions/${sessionId}`);
    if (s.entries) {
      root.dispatchEvent(new CustomEvent("bracketry:open-heat", { detail: s }));
      return;
    }
    if (s.status === "completed" && !mayCorrect()) {
      say(note, "Correcting a result needs this tournament’s organizer: this key records new results only.");
      return;
    }
    current = s;
    const [a, b] = people(s);
    byId("result-dialog-title").textContent = `${matchName(s)}: ${a} vs ${b}`;
    byId("match-state").textContent =
      s.status === "completed" ? `Recorded now: ${scoreOf(s)}. A new result replaces it.` : "Enter both scores.";
    const given = prefill || s.result || {};
    const value = (key) => (given[key] === null || given[key] === undefined ? "" : given[key]);
    byId("match-scores").innerHTML = [a, b]
      .map(
        (name, slot) =>
          `<label>${Bracketry.escape(name)}<input type="number" min="0" inputmode="numeric" name="score_${slot ? "b" : "a"}"` +
          ` value="${Bracketry.escape(value(slot ? "score_b" : "score_a"))}"></label>`,
      )
      .join("");
    form.elements.ending.innerHTML =
      '<option value="played">Played: the scores decide</option>' +
      [a, b].map((name, slot) => `<option value="${slot}">${Bracketry.escape(name)} wins by forfeit</option>`).join("");
    if (prefill && prefill.outcome === "forfeit") {
      const slot = (s.participants || []).findIndex((p) => p && p.player_id === prefill.winner_id);
      if (slot >= 0) form.elements.ending.value = String(slot);
    }
    confirming(false);
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
  async function resetList(message) {
    const ids = (/resets sessions ([\d, ]+)/.exec(message) || ["", ""])[1].split(",").map((x) => x.trim()).filter(Boolean);
    const more = /and (\d+) more/.exec(message);
    const found = await Promise.all(ids.map((sid) => Bracketry.api("GET", `${base}/sessions/${sid}`)));
    return (
      found.map((s) => `<li>${Bracketry.escape(`${matchName(s)}: ${people(s).join(" vs ")} (${scoreOf(s)})`)}</li>`).join("") +
      (more ? `<li>and ${more[1]} more</li>` : "")
    );
  }

  // "Recorded: Round 1, match 2, Ann wins." once a session's result is saved.
  function recorded(saved, correcting) {
    const winner = (saved.participants || []).find((p) => p && saved.result && p.player_id === saved.result.winner_id);
    say(note, `${correcting ? "Corrected" : "Recorded"}: ${matchName(saved)}, ${winner ? `${winner.name} wins` : scoreOf(saved)}.`);
  }

  async function send(force) {
    const error = byId("match-error");
    let body = pending;
    if (!force) {
      try {
        body = resultBody();
      } catch (failure) {
        say(error, failure.message);
        return;
      }
    }
    const correcting = current.status === "completed";
    try {
      let saved;
      if (correcting) {
        saved = (await Bracketry.api("PUT", `${base}/sessions/${current.id}/result`, { ...body, force })).session;
      } else {
        saved = await Bracketry.api("POST", `${base}/sessions/${current.id}/result`, body);
      }
      dialog.close();
      recorded(saved, correcting);
    } catch (failure) {
      if (failure.status === 409 && failure.field === "force" && !force) {
        byId("reset-list").innerHTML = await resetList(failure.message);
        confirming(true);
        pending = body;
        byId("force-submit").focus();
        return;
      }
      say(error, problem(failure));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!pending) send(false);
  });
  byId("force-submit").addEventListener("click", () => {
    if (pending) send(true);
  });
  byId("match-back").addEventListener("click", () => {
    confirming(false);
    form.elements.score_a.focus();
  });
  byId("match-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => confirming(false));

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
    const changed = snap !== null && snap.status !== event.detail.status;
    snap = event.detail;
    if (changed) forget();
    showName(snap.name);
    showSteps(snap);
  });
  checkAccess();

  return {
    root,
    base,
    plain,
    problem,
    say,
    clear,
    matchName,
    people,
    openMatch,
    mayCorrect,
    resetList,
    recorded,
    note: () => note,
    snapshot: () => snap,
  };
})();
