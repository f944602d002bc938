"use strict";
// Heats on the manage page: each heat of the rounds table gets a Record (or Correct) button;
// choosing it opens a form with one field per player, labelled with the player's name (a time
// or a score, by the tournament's direction; one per attempt when there are several), and a
// "did not start or finish" box. It sends the API's heat result (POST, or PUT to correct).
(() => {
  const page = ManagePage;
  const root = page.root;
  if (root.dataset.format !== "heats") return;
  const byId = (name) => document.getElementById(name);
  const table = byId("rounds-view");
  const dialog = byId("heat-dialog");
  const form = byId("heat-form");
  let config = null; // the tournament's heat options, read once
  let current = null; // the heat in the form
  let pending = null; // a correction waiting for confirmation

  async function options() {
    if (!config) config = (await Bracketry.api("GET", page.base)).config;
    return config;
  }

  function hint(c) {
    const better =
      c.direction === "lower" ? "Enter each player's time: lower is better." : "Enter each player's score or distance: higher is better.";
    const several = c.attempts > 1 ? ` Up to ${c.attempts} attempts each; ${c.aggregate === "sum" ? "they are added up" : "the best one counts"}.` : "";
    return `${better}${several} Tick “did not start or finish” for a player without a result.`;
  }

  function runner(entry, c) {
    const name = Bracketry.escape(entry.name);
    const tried = entry.attempts || [];
    const fields = Array.from({ length: c.attempts }, (_, i) => {
      const label = c.attempts > 1 ? `${name}, attempt ${i + 1}` : name;
      const value = i < tried.length ? Bracketry.escape(tried[i]) : "";
      return (
        `<label>${label}<input type="number" step="any" inputmode="decimal" data-player="${entry.player_id}"` +
        ` value="${value}"${entry.attempts !== null && !tried.length ? " disabled" : ""}></label>`
      );
    }).join("");
    const out = entry.attempts !== null && !tried.length; // recorded as did not finish
    return (
      `<fieldset class="runner"><legend>Lane ${entry.lane}</legend>${fields}` +
      `<label class="confirm"><input type="checkbox" data-out="${entry.player_id}"${out ? " checked" : ""}>` +
      `${name} did not start or finish</label></fieldset>`
    );
  }

  function confirming(on) {
    byId("heat-warning").hidden = !on;
    byId("heat-force").hidden = !on;
    byId("heat-back").hidden = !on;
    byId("heat-submit").hidden = on;
    for (const field of form.querySelectorAll("input")) field.disabled = on || isOut(field);
    if (!on) pending = null;
  }

  function isOut(field) {
    if (!field.dataset.player) return false;
    return form.querySelector(`[data-out="${field.dataset.player}"]`).checked;
  }

  async function open(s) {
    if (s.status === "completed" && !page.mayCorrect()) {
      page.say(page.note(), "Correcting a result needs this tournament’s organizer: this key records new results only.");
      return;
    }
    const c = await options();
    current = s;
    byId("heat-dialog-title").textContent = page.matchName(s);
    byId("heat-hint").textContent = hint(c);
    byId("heat-runners").innerHTML = s.entries.map((e) => runner(e, c)).join("");
    byId("heat-submit").textContent = s.status === "completed" ? "Record corrected result" : "Record result";
    byId("heat-error").textContent = "";
    confirming(false);
    if (!dialog.open) dialog.showModal();
    const first = form.querySelector("input:not(:disabled)");
    if (first) first.focus();
  }

  form.addEventListener("change", (event) => {
    const box = event.target.closest("[data-out]");
    if (!box) return;
    for (const field of form.querySelectorAll(`[data-player="${box.dataset.out}"]`)) field.disabled = box.checked;
  });

  // The heat result: every player's attempts (none: did not start or finish).
  function heatBody() {
    const entries = current.entries.map((e) => {
      if (form.querySelector(`[data-out="${e.player_id}"]`).checked) return { player_id: e.player_id, attempts: [] };
      const values = [...form.querySelectorAll(`[data-player="${e.player_id}"]`)].filter((f) => f.value !== "").map((f) => Number(f.value));
      if (!values.length) throw new Error(`Enter a result for ${e.name}, or tick “did not start or finish”.`);
      return { player_id: e.player_id, attempts: values };
    });
    return { entries };
  }

  async function send(force) {
    const error = byId("heat-error");
    let body = pending;
    if (!force) {
      try {
        body = heatBody();
      } catch (failure) {
        page.say(error, failure.message);
        return;
      }
    }
    const correcting = current.status === "completed";
    try {
      const path = `${page.base}/sessions/${current.id}/heat-result`;
      const saved = await Bracketry.api(correcting ? "PUT" : "POST", path, { ...body, force });
      dialog.close();
      const first = (saved.entries || []).filter((e) => e.place === 1).map((e) => e.name);
      page.say(page.note(), `${correcting ? "Corrected" : "Recorded"}: ${page.matchName(saved)}${first.length ? `, ${first.join(" and ")} first` : ""}.`);
    } catch (failure) {
      if (failure.status === 409 && failure.field === "force" && !force) {
        byId("heat-warning-text").innerHTML =
          "Correcting this heat also removes the later rounds dealt from it, which already have results:" +
          `<ul>${await page.resetList(failure.message)}</ul>`;
        confirming(true);
        pending = body;
        byId("heat-force").focus();
        return;
      }
      page.say(error, page.problem(failure));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!pending) send(false);
  });
  byId("heat-force").addEventListener("click", () => {
    if (pending) send(true);
  });
  byId("heat-back").addEventListener("click", () => confirming(false));
  byId("heat-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => confirming(false));

  // ---- the heats' buttons in the rounds table --------------------------------------------
  function pickable(row) {
    const s = page.snapshot();
    if (root.dataset.manage !== "on" || !s || s.status !== "IN_PROGRESS") return false;
    if (row.querySelector("button.pick-row")) return false; // the table offers it already
    return row.classList.contains("ready") || (row.classList.contains("completed") && page.mayCorrect());
  }

  function decorate() {
    const round = (table.querySelector("select") || {}).value;
    for (const row of table.querySelectorAll("tr[data-session-id]")) {
      const old = row.querySelector("button.heat-pick");
      if (!pickable(row)) {
        if (old) old.remove();
        continue;
      }
      const verb = row.classList.contains("completed") ? "Correct" : "Record";
      const heat = (/(\d+)\s*$/.exec(row.cells[0] ? row.cells[0].textContent : "") || ["", ""])[1];
      const label = `${verb} the result of round ${round}, heat ${heat}`;
      if (old && old.getAttribute("aria-label") === label) continue;
      if (old) old.remove();
      const button = document.createElement("button");
      button.type = "button";
      button.className = "heat-pick";
      button.dataset.heatId = row.dataset.sessionId;
      button.setAttribute("aria-label", label);
      button.textContent = verb;
      row.lastElementChild.append(" ", button);
    }
    observer.takeRecords(); // its own changes need no second pass
  }
  const observer = new MutationObserver(decorate);
  observer.observe(table, { childList: true, subtree: true });
  root.addEventListener("bracketry:snapshot", decorate);
  root.addEventListener("bracketry:manage", decorate);

  async function choose(sessionId) {
    try {
      await open(await Bracketry.api("GET", `${page.base}/sessions/${sessionId}`));
    } catch (failure) {
      page.say(page.note(), page.problem(failure));
    }
  }
  table.addEventListener("click", (event) => {
    const button = event.target.closest("button.heat-pick");
    const row = event.target.closest("tr[data-session-id]");
    if (button) choose(button.dataset.heatId);
    else if (row && row.querySelector("button.heat-pick") && !event.target.closest("button, a, select")) choose(row.dataset.sessionId);
  });
  root.addEventListener("bracketry:open-heat", (event) => open(event.detail));
})();
