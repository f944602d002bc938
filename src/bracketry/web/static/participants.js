"use strict";
// The manage page's players: the enrolled list page by page, adding one player, a pasted list
// or a CSV file (checked first: the API's preview lists every bad row), editing, removing,
// seeding by number, by dragging a row or with the arrow buttons, checking players in, and the
// waiting list (checking in or removing a waiting player). Whether players may still change,
// or check in now, is the API's answer (`editable`, `can_enroll`, `check_in.open` of the
// enrollments page); the page only shows it.
(() => {
  const root = document.getElementById("monitor");
  const id = Number(root.dataset.tournamentId);
  const base = `/tournaments/${id}`;
  const words = JSON.parse(root.dataset.words);
  const byId = (name) => document.getElementById(name);
  const esc = Bracketry.escape;
  const PAGE = 100;
  const COLUMNS = { name: "name", rating: "rating", club: "club", external_id: "external id", seed: "seed" };
  const table = root.querySelector('[data-testid="enrolled"]');
  const state = {
    manage: false,
    offset: 0,
    page: null,
    waiting: [],
    loadedFor: "",
    dragged: null,
    upload: null,
    extraOpen: false, // an edit form or a removal question is open in the list or the waiting list
    stale: false, // the list changed while it was open
  };

  // An API message in plain words: statuses in the page's words, names of settings spelled out,
  // and the two reasons seeds cannot be worked out (`seeding_issue`) as sentences.
  const playerCount = (count) => (count === "1" ? "1 player" : `${count} players`);
  function say(message) {
    const text = String(message)
      .replace(
        /\bseed (\d+) is outside 1\.\.(\d+) \(the player count\)/g,
        (_, seed, count) => `seed ${seed} is asked for, but only ${playerCount(count)} ${count === "1" ? "is" : "are"} enrolled`,
      )
      .replace(
        /\bmanual seeding: (\d+) players have not been given a seed/g,
        (_, count) =>
          `every player needs a seed given by hand, and ${playerCount(count)} ${count === "1" ? "has" : "have"} none yet`,
      )
      .replace(/max_players/g, "the player limit")
      .replace(/outside (\d+)\.\.(\d+)/g, "outside $1 to $2")
      .replace(/\bexternal_id\b/g, "external id");
    const sentence = Bracketry.plain(text, words);
    return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  }

  function failureText(failure) {
    const problem = failure.problems && failure.problems.length ? failure.problems[0].message : failure.message;
    return say(problem);
  }

  const editing = () => state.manage && state.page && state.page.editable;
  const checkingIn = () => state.manage && state.page && state.page.check_in && state.page.check_in.open;

  function clearNotes() {
    for (const name of ["enroll-error", "paste-error", "csv-error", "enroll-ok", "list-error", "list-ok"]) {
      byId(name).textContent = "";
    }
  }

  // ---- the list --------------------------------------------------------------------------
  async function load() {
    const [page, waiting] = await Promise.all([
      Bracketry.api("GET", `${base}/enrollments?limit=${PAGE}&offset=${state.offset}`),
      Bracketry.api("GET", `${base}/waitlist`),
    ]);
    if (!page.items.length && page.total && state.offset) {
      state.offset = Math.max(0, Math.floor((page.total - 1) / PAGE) * PAGE);
      return load();
    }
    state.page = page;
    state.waiting = waiting;
    draw();
  }

  function reload() {
    return load().catch((failure) => {
      byId("list-error").textContent = `The players could not be loaded: ${failureText(failure)}`;
    });
  }

  // A list that changes while a player's edit form or removal question is open is drawn once
  // it closes: redrawing would take the open form away from under the organizer.
  function draw() {
    const page = state.page;
    if (!page) return;
    if (state.extraOpen) {
      state.stale = true;
      return;
    }
    const edit = editing();
    const withCheckIn = Boolean(page.check_in);
    const heads = [
      edit ? '<th scope="col" role="columnheader" class="grip"><span class="visually-hidden">Drag</span></th>' : "",
      '<th scope="col" role="columnheader" class="num">Seed</th>',
      '<th scope="col" role="columnheader">Player</th>',
      '<th scope="col" role="columnheader">Club</th>',
      '<th scope="col" role="columnheader" class="num">Rating</th>',
      withCheckIn ? '<th scope="col" role="columnheader">Checked in</th>' : "",
      edit || checkingIn() ? '<th scope="col" role="columnheader"><span class="visually-hidden">Changes</span></th>' : "",
    ].join("");
    table.tHead.rows[0].innerHTML = heads;
    const columns = table.tHead.rows[0].cells.length;
    table.tBodies[0].innerHTML = page.items.length
      ? page.items.map((e, index) => row(e, index, edit, withCheckIn)).join("")
      : `<tr role="row"><td role="cell" colspan="${columns}">No players yet.</td></tr>`;
    byId("seed-actions").hidden = !edit || !page.items.length;
    byId("seeding-help").hidden = !edit || !page.items.length;
    const issue = byId("seeding-issue");
    issue.hidden = !page.seeding_issue;
    issue.textContent = page.seeding_issue
      ? `Seeds cannot be worked out yet: ${say(page.seeding_issue).replace(/^./, (c) => c.toLowerCase())} ` +
        "Until then the list is in the order players joined."
      : "";
    drawPager(page);
    drawWaiting();
    drawForms();
  }

  function row(e, index, edit, withCheckIn) {
    const name = esc(e.name);
    const seed = e.seed === null ? "–" : e.seed;
    const seedCell = edit
      ? `<input class="seed-input" type="number" min="1" step="1" inputmode="numeric" name="seed"` +
        ` aria-label="Seed for ${name}" value="${e.requested_seed ?? ""}" placeholder="${e.seed ?? ""}">`
      : seed;
    const checked = withCheckIn ? `<td role="cell" data-label="Checked in">${e.checked_in ? "Yes" : "Not yet"}</td>` : "";
    const tools = [];
    if (edit) {
      tools.push(
        `<button type="button" class="quiet small" data-do="up" aria-label="Move ${name} up" title="Move up"${index === 0 && state.offset === 0 ? " disabled" : ""}>↑</button>`,
        `<button type="button" class="quiet small" data-do="down" aria-label="Move ${name} down" title="Move down"${state.offset + index === state.page.total - 1 ? " disabled" : ""}>↓</button>`,
        `<button type="button" class="quiet small" data-do="edit" aria-label="Edit ${name}">Edit</button>`,
        `<button type="button" class="quiet small" data-do="remove" aria-label="Remove ${name}">Remove</button>`,
      );
    }
    if (checkingIn() && !e.checked_in) {
      tools.push(`<button type="button" class="small" data-do="check-in" aria-label="Check in ${name}">Check in</button>`);
    }
    const toolCell = edit || checkingIn() ? `<td role="cell" class="tools">${tools.join("")}</td>` : "";
    const club = e.club === null ? "" : esc(e.club);
    return (
      `<tr role="row" data-player="${e.player_id}"${edit ? ' draggable="true"' : ""}>` +
      (edit ? '<td role="cell" class="grip" aria-hidden="true">⠿</td>' : "") +
      `<td role="cell" class="num" data-label="Seed">${seedCell}</td><td role="cell" class="name">${name}</td>` +
      `<td role="cell"${club ? ' data-label="Club"' : ""}>${club}</td>` +
      `<td role="cell" class="num" data-label="Rating">${e.rating === null ? "–" : esc(e.rating)}</td>${checked}${toolCell}</tr>`
    );
  }

  function drawPager(page) {
    const pager = byId("enrolled-pager");
    pager.hidden = page.total <= PAGE;
    const last = state.offset + page.items.length;
    byId("enrolled-range").textContent = `Players ${state.offset + 1}–${last} of ${page.total}`;
    byId("enrolled-previous").disabled = state.offset === 0;
    byId("enrolled-next").disabled = page.next_offset === null;
  }

  function drawWaiting() {
    const box = byId("waiting");
    box.hidden = !state.waiting.length;
    const withCheckIn = Boolean(state.page.check_in);
    byId("waiting-rule").textContent = state.page.waiting_moves_up
      ? "When a place frees up, the first player in line takes it."
      : "Enrollment is closed: a place that frees up stays empty. Players can be taken off the list.";
    byId("waiting-list").innerHTML = state.waiting
      .map((w) => {
        const name = esc(w.name);
        let status = "";
        if (withCheckIn) status = w.checked_in ? " · checked in" : " · not checked in yet";
        const buttons = [];
        if (editing()) {
          buttons.push(`<button type="button" class="quiet small" data-do="remove" aria-label="Remove ${name}">Remove</button>`);
        }
        if (checkingIn() && !w.checked_in) {
          buttons.push(`<button type="button" class="small" data-do="check-in" aria-label="Check in ${name}">Check in</button>`);
        }
        const tools = buttons.length ? ` <span class="tools">${buttons.join(" ")}</span>` : "";
        return `<li data-player="${w.player_id}"><span class="name">${name}</span><span class="muted">${status}</span>${tools}</li>`;
      })
      .join("");
  }

  function drawForms() {
    const page = state.page;
    byId("player-forms").hidden = !(state.manage && page && page.can_enroll);
    const note = byId("enroll-note");
    if (!state.manage || !page) {
      note.textContent = "";
    } else if (page.can_enroll) {
      note.textContent = "Enrollment is open: add players one by one, paste a list or import a file.";
    } else if (page.editable) {
      note.textContent = "Enrollment is not open, so no one can be added; players can still be edited, removed and seeded.";
    } else {
      note.textContent = "The list of players is final: no one can be added, edited or removed any more.";
    }
    if (page && page.check_in && state.manage) {
      const opens = new Date(page.check_in.opens_at).toLocaleString();
      const closes = new Date(page.check_in.closes_at).toLocaleString();
      note.textContent += page.check_in.open
        ? ` Check-in is open until ${closes}.`
        : ` Check-in runs from ${opens} to ${closes}.`;
    }
  }

  function entryOf(playerId) {
    return state.page.items.find((e) => e.player_id === playerId);
  }

  // ---- adding ------------------------------------------------------------------------------
  async function enroll(body, errorId, done) {
    clearNotes();
    forgetUpload();
    try {
      const outcome = await Bracketry.api("POST", `${base}/enrollments`, body);
      const added = outcome.enrolled === 1 ? "Player added." : `${outcome.enrolled} players added.`;
      byId("enroll-ok").textContent = added + skippedWords(outcome.skipped_count, "entry", "entries");
      done();
      await reload();
    } catch (failure) {
      const line = /^players\[(\d+)\]/.exec(failure.field || "");
      byId(errorId).textContent = (line ? `Line ${Number(line[1]) + 1}: ` : "") + failureText(failure);
    }
  }

  function skippedWords(count, one, many) {
    if (!count) return "";
    return count === 1 ? ` 1 ${one} was left out: already enrolled.` : ` ${count} ${many} were left out: already enrolled.`;
  }

  byId("add-player").addEventListener("submit", (event) => {
    event.preventDefault();
    const f = event.target;
    const body = { name: f.elements.name.value.trim() };
    if (f.elements.rating.value !== "") body.rating = Number(f.elements.rating.value);
    if (f.elements.club.value.trim() !== "") body.club = f.elements.club.value.trim();
    if (f.elements.seed.value !== "") body.seed = Number(f.elements.seed.value);
    enroll(body, "enroll-error", () => {
      f.reset();
      f.elements.name.focus();
    });
  });

  byId("paste-players").addEventListener("submit", (event) => {
    event.preventDefault();
    const f = event.target;
    const players = f.elements.lines.value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const cut = line.lastIndexOf(",");
        const rating = cut > 0 ? line.slice(cut + 1).trim() : "";
        if (rating !== "" && !Number.isNaN(Number(rating))) return { name: line.slice(0, cut).trim(), rating: Number(rating) };
        return { name: line };
      });
    clearNotes();
    if (!players.length) {
      byId("paste-error").textContent = "Paste at least one name.";
      return;
    }
    enroll({ players }, "paste-error", () => f.reset());
  });

  // ---- CSV file: preview, then import --------------------------------------------------------
  async function sendCsv(path, text, retried = false) {
    const headers = { Accept: "application/json", "Content-Type": "text/csv; charset=utf-8" };
    if (Bracketry.token()) headers.Authorization = "Bearer " + Bracketry.token();
    const response = await fetch("/api/v1" + path, { method: "POST", headers, body: text });
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (response.status === 401 && !retried) {
      // The access token may have expired: any authenticated call renews it once.
      const renewed = await Bracketry.api("GET", "/auth/me", undefined, { auth: true }).then(() => true, () => false);
      if (renewed) return sendCsv(path, text, true);
    }
    if (!response.ok) {
      const error = new Error(data && typeof data.detail === "string" ? data.detail : `${response.status} ${response.statusText}`);
      error.status = response.status;
      error.field = data && data.field;
      error.problems = [];
      throw error;
    }
    return data;
  }

  function resetUpload() {
    state.upload = null;
    byId("csv-preview").hidden = true;
    byId("csv-preview").innerHTML = "";
    byId("csv-import-button").hidden = true;
  }

  // A file checked earlier says nothing true once the players change another way.
  function forgetUpload() {
    csvForm.reset();
    resetUpload();
  }

  function rowWords(error) {
    const column = error.field === "csv" ? "" : `, ${COLUMNS[error.field] || error.field}`;
    return `<li>Line ${error.row}${esc(column)}: ${esc(say(error.message))}</li>`;
  }

  function showPreview(p) {
    const box = byId("csv-preview");
    const parts = [];
    const rows = p.rows === 1 ? "1 row" : `${p.rows} rows`;
    if (p.bad_rows) {
      const bad = p.bad_rows === 1 ? "1 row has a problem" : `${p.bad_rows} rows have problems`;
      parts.push(`<p class="bad-news">The file has ${rows} and ${bad}. Nothing will be imported until the file is fixed and chosen again.</p>`);
      parts.push(`<ul class="row-errors" data-testid="csv-bad-rows">${p.errors.map(rowWords).join("")}</ul>`);
      if (p.error_count > p.errors.length) parts.push(`<p class="muted">And ${p.error_count - p.errors.length} more problems.</p>`);
    } else if (p.new_players) {
      const added = p.new_players === 1 ? "1 new player" : `${p.new_players} new players`;
      parts.push(`<p>The file has ${rows}: ${added} will be added.</p>`);
    } else {
      parts.push(`<p>The file has ${rows} and every one is already enrolled: there is nothing to import.</p>`);
    }
    if (p.skipped_count) {
      const skipped = p.skipped_count === 1 ? "1 row is" : `${p.skipped_count} rows are`;
      parts.push(`<p>${skipped} left out because the player is already enrolled:</p>`);
      parts.push(
        `<ul class="row-skips" data-testid="csv-skipped">${p.skipped
          .map((s) => `<li>Line ${s.row}, ${esc(s.name)}: ${esc(say(s.reason))}</li>`)
          .join("")}</ul>`,
      );
    }
    box.innerHTML = parts.join("");
    box.hidden = false;
    const button = byId("csv-import-button");
    button.hidden = Boolean(p.bad_rows) || !p.new_players;
    button.textContent = p.new_players === 1 ? "Import 1 player" : `Import ${p.new_players} players`;
  }

  const csvForm = byId("csv-import");
  csvForm.elements.file.addEventListener("change", async () => {
    clearNotes();
    resetUpload();
    const file = csvForm.elements.file.files[0];
    if (!file) return;
    try {
      const text = await file.text();
      const preview = await sendCsv(`${base}/enrollments/import/preview`, text);
      state.upload = text;
      showPreview(preview);
    } catch (failure) {
      byId("csv-error").textContent = `${file.name}: ${failureText(failure)}`;
    }
  });

  csvForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.upload === null) return;
    clearNotes();
    const button = byId("csv-import-button");
    button.disabled = true;
    try {
      const outcome = await sendCsv(`${base}/enrollments/import`, state.upload);
      const added = outcome.enrolled === 1 ? "1 player imported." : `${outcome.enrolled} players imported.`;
      byId("enroll-ok").textContent = added + skippedWords(outcome.skipped_count, "row", "rows");
      csvForm.reset();
      resetUpload();
      await reload();
    } catch (failure) {
      byId("csv-error").textContent = failureText(failure);
    } finally {
      button.disabled = false;
    }
  });

  // ---- editing, removing, checking in --------------------------------------------------------
  function closeExtras() {
    for (const extra of table.querySelectorAll("tr.extra")) extra.remove();
    for (const extra of byId("waiting-list").querySelectorAll(".extra")) extra.remove();
    state.extraOpen = false;
    if (state.stale) {
      state.stale = false;
      draw();
    }
  }

  function openEdit(tr, e) {
    closeExtras();
    const columns = tr.cells.length;
    const name = esc(e.name);
    const extra = document.createElement("tr");
    extra.className = "extra";
    extra.innerHTML =
      `<td colspan="${columns}"><form class="grid edit-form" aria-label="Edit ${name}">` +
      `<label>Player name <input name="name" maxlength="200" required value="${name}"></label>` +
      `<label>Rating <input name="rating" type="number" min="0" max="10000" step="any" value="${e.rating ?? ""}"></label>` +
      `<label>Club <input name="club" maxlength="200" value="${e.club === null ? "" : esc(e.club)}"></label>` +
      `<label>Seed <input name="seed" type="number" min="1" step="1" value="${e.requested_seed ?? ""}"></label>` +
      '<div class="actions"><button type="submit">Save changes</button><button type="button" class="quiet" data-do="cancel">Cancel</button></div>' +
      '</form><p class="error" role="alert"></p></td>';
    tr.after(extra);
    state.extraOpen = true;
    const form = extra.querySelector("form");
    form.elements.name.focus();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearNotes();
      forgetUpload();
      const f = form.elements;
      const change = {
        name: f.name.value.trim(),
        rating: f.rating.value === "" ? null : Number(f.rating.value),
        club: f.club.value.trim() === "" ? null : f.club.value.trim(),
        seed: f.seed.value === "" ? null : Number(f.seed.value),
      };
      try {
        await Bracketry.api("PATCH", `${base}/enrollments/${e.player_id}`, change);
        closeExtras();
        await reload();
        byId("list-ok").textContent = `${change.name} is saved.`;
      } catch (failure) {
        const field = failure.field ? (COLUMNS[failure.field] || failure.field).replace(/^body\./, "") : "";
        extra.querySelector(".error").textContent = (field && field !== "player_id" ? `${field}: ` : "") + failureText(failure);
      }
    });
  }

  // Removing a player asks first, inside their row or line; "Yes" removes them through the
  // API and says what happened (who moved up from the waiting list, if anyone).
  function askToRemove(place, wrap, player, question, done) {
    closeExtras();
    const name = esc(player.name);
    const extra = document.createElement(wrap ? "tr" : "div");
    extra.className = "extra";
    const box =
      `<div class="confirm-box"><p>${question}</p>` +
      `<button type="button" class="danger" data-do="remove-yes">Yes, remove ${name}</button>` +
      '<button type="button" class="quiet" data-do="cancel">Keep</button></div><p class="error" role="alert"></p>';
    extra.innerHTML = wrap ? `<td colspan="${place.cells.length}">${box}</td>` : box;
    if (wrap) place.after(extra);
    else place.append(extra);
    state.extraOpen = true;
    extra.querySelector('[data-do="cancel"]').focus();
    extra.querySelector('[data-do="remove-yes"]').addEventListener("click", async () => {
      clearNotes();
      forgetUpload();
      try {
        const outcome = await Bracketry.api("DELETE", `${base}/enrollments/${player.player_id}`);
        const promoted = state.waiting.find((w) => w.player_id === outcome.promoted_player_id);
        closeExtras();
        await reload();
        byId("list-ok").textContent = done(promoted);
      } catch (failure) {
        extra.querySelector(".error").textContent = failureText(failure);
      }
    });
  }

  function askRemove(tr, e) {
    const movesUp = state.waiting.length && state.page.waiting_moves_up;
    const question = `Remove ${esc(e.name)} from the tournament?${movesUp ? " The first player waiting takes the place." : ""}`;
    askToRemove(tr, true, e, question, (promoted) =>
      `${e.name} is removed.` + (promoted ? ` ${promoted.name} moves up from the waiting list and takes the place.` : ""),
    );
  }

  async function checkIn(playerId, name, where) {
    clearNotes();
    forgetUpload();
    try {
      await Bracketry.api("POST", `${base}/enrollments/${playerId}/check-in`);
      await reload();
      byId("list-ok").textContent = `${name} is checked in.`;
    } catch (failure) {
      where.textContent = `${name}: ${failureText(failure)}`;
    }
  }

  table.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-do]");
    if (!button) return;
    const action = button.dataset.do;
    if (action === "cancel") {
      const tr = button.closest("tr.extra").previousElementSibling;
      closeExtras();
      const again = tr && tr.querySelector('[data-do="edit"]');
      if (again) again.focus();
      return;
    }
    const tr = button.closest("tr[data-player]");
    if (!tr) return;
    const e = entryOf(Number(tr.dataset.player));
    if (!e) return;
    if (action === "edit") openEdit(tr, e);
    else if (action === "remove") askRemove(tr, e);
    else if (action === "check-in") checkIn(e.player_id, e.name, byId("list-error"));
    else if (action === "up" || action === "down") move(tr, action === "up" ? -1 : 1);
  });

  // A waiting player is removed after the same question as an enrolled one, asked inside
  // their line of the waiting list.
  function askRemoveWaiting(li, w) {
    askToRemove(li, false, w, `Take ${esc(w.name)} off the waiting list?`, () => `${w.name} is taken off the waiting list.`);
  }

  byId("waiting-list").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-do]");
    if (!button) return;
    const li = button.closest("li[data-player]");
    if (!li) return;
    const action = button.dataset.do;
    if (action === "cancel") {
      closeExtras();
      const again = byId("waiting-list").querySelector(`li[data-player="${li.dataset.player}"] [data-do="remove"]`);
      if (again) again.focus();
      return;
    }
    if (action === "remove-yes") return; // answered by the question's own handler
    const w = state.waiting.find((item) => item.player_id === Number(li.dataset.player));
    if (!w) return;
    if (action === "remove") askRemoveWaiting(li, w);
    else if (action === "check-in") checkIn(w.player_id, w.name, byId("list-error"));
  });

  // ---- seeds: numbers, arrows and dragging --------------------------------------------------
  function seedRows() {
    return [...table.tBodies[0].querySelectorAll("tr[data-player]")];
  }

  // The page's rows in their order on screen get the seeds of their places on this page.
  function numberByPlace() {
    seedRows().forEach((tr, index) => {
      tr.querySelector(".seed-input").value = String(state.offset + index + 1);
    });
  }

  async function saveSeeds(focusAfter) {
    clearNotes();
    forgetUpload();
    const seeds = seedRows().map((tr) => {
      const value = tr.querySelector(".seed-input").value;
      return { player_id: Number(tr.dataset.player), seed: value === "" ? null : Number(value) };
    });
    try {
      await Bracketry.api("PUT", `${base}/seeds`, seeds);
      await reload(); // the message comes with the list it describes
      byId("list-ok").textContent = "Seeds saved.";
      if (focusAfter) {
        const again = table.querySelector(`tr[data-player="${focusAfter.player}"] [data-do="${focusAfter.action}"]`);
        if (again && !again.disabled) again.focus();
      }
    } catch (failure) {
      const entry = /^(\d+)\.(seed|player_id)$/.exec(failure.field || "");
      const who = entry ? entryOf(seeds[Number(entry[1])].player_id) : null;
      byId("list-error").textContent = (who ? `${who.name}: ` : "") + failureText(failure);
    }
  }

  function move(tr, step) {
    const rows = seedRows();
    const index = rows.indexOf(tr);
    const target = rows[index + step];
    if (!target) return;
    if (step < 0) target.before(tr);
    else target.after(tr);
    closeExtras();
    numberByPlace();
    saveSeeds({ player: tr.dataset.player, action: step < 0 ? "up" : "down" });
  }

  byId("save-seeds").addEventListener("click", () => saveSeeds(null));

  table.addEventListener("dragstart", (event) => {
    const tr = event.target.closest && event.target.closest("tr[data-player]");
    if (!tr || !editing()) return;
    state.dragged = tr;
    tr.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", tr.dataset.player);
  });
  table.addEventListener("dragover", (event) => {
    const tr = event.target.closest && event.target.closest("tr[data-player]");
    if (!state.dragged || !tr) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of table.querySelectorAll("tr.drop-target")) other.classList.remove("drop-target");
    if (tr !== state.dragged) tr.classList.add("drop-target");
  });
  table.addEventListener("drop", (event) => {
    const tr = event.target.closest && event.target.closest("tr[data-player]");
    const dragged = state.dragged;
    if (!dragged || !tr) return;
    event.preventDefault();
    if (tr === dragged) return;
    const rows = seedRows();
    if (rows.indexOf(dragged) < rows.indexOf(tr)) tr.after(dragged);
    else tr.before(dragged);
    closeExtras();
    numberByPlace();
    saveSeeds(null);
  });
  table.addEventListener("dragend", () => {
    if (state.dragged) state.dragged.classList.remove("dragging");
    state.dragged = null;
    for (const other of table.querySelectorAll("tr.drop-target")) other.classList.remove("drop-target");
  });

  // ---- paging and page events ------------------------------------------------------------------
  byId("enrolled-previous").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE);
    reload();
  });
  byId("enrolled-next").addEventListener("click", () => {
    if (state.page && state.page.next_offset !== null) state.offset = state.page.next_offset;
    reload();
  });

  root.addEventListener("bracketry:manage", (event) => {
    state.manage = Boolean(event.detail.on);
    if (!state.manage) closeExtras();
    draw();
    drawForms();
  });
  root.addEventListener("bracketry:snapshot", (event) => {
    const s = event.detail;
    const key = `${s.enrolled_count}/${s.status}`;
    if (key !== state.loadedFor) {
      state.loadedFor = key;
      reload();
    }
  });
  reload(); // at once, not only when the first snapshot comes
})();
