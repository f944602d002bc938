"use strict";
// The manage page's venues and match timing: the venues listed for everyone; for whoever may
// manage (GET …/rights, passed on by manage.js as "bracketry:manage") adding, editing and
// removing a venue, the match timing and planning the matches again. Every change is a call to
// the API, which decides what may change now: a refusal is shown next to the field or control
// it names, in plain words. The controls follow the snapshot's `venues` and `schedule`
// actions (the service's rules for changing venues and planning again).
(() => {
  const root = document.getElementById("monitor");
  const base = `/tournaments/${Number(root.dataset.tournamentId)}`;
  const words = JSON.parse(root.dataset.words);
  const byId = (name) => document.getElementById(name);
  const esc = Bracketry.escape;
  const list = byId("venue-list");
  const venueForm = byId("venue-form");
  const timingForm = byId("timing-form");
  const days = byId("day-list");
  const ok = byId("venues-ok");
  const error = byId("venues-error");
  const state = {
    manage: root.dataset.scope === "full",
    snap: null,
    venues: null,
    timing: null,
    editing: null, // the venue in the form (null: a new one)
    drawn: "", // what the list shows now
  };
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

  const allows = (action) => state.manage && Boolean(state.snap) && state.snap.actions.includes(action);
  const mayEdit = () => allows("venues");
  const maySchedule = () => allows("schedule") && Boolean(state.venues && state.venues.length);

  // ---- words ---------------------------------------------------------------------------------
  const DAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  function dayWords(iso) {
    const parts = {};
    for (const part of DAY.formatToParts(new Date(`${iso}T00:00:00Z`))) parts[part.type] = part.value;
    return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
  }
  const hhmm = (text) => String(text).slice(0, 5);
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const nextDay = (iso) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);

  // Openings as runs of following days with the same hours: "Fri 1 May 2030 to Sun 3 May 2030, 09:00 to 18:00".
  function runs(hours) {
    const out = [];
    for (const h of hours) {
      const last = out[out.length - 1];
      if (last && nextDay(last.to) === h.date && last.opens === h.opens && last.closes === h.closes) last.to = h.date;
      else out.push({ from: h.date, to: h.date, opens: h.opens, closes: h.closes });
    }
    return out.map((r) => {
      const when = r.from === r.to ? dayWords(r.from) : `${dayWords(r.from)} to ${dayWords(r.to)}`;
      return `${when}, ${hhmm(r.opens)} to ${hhmm(r.closes)}`;
    });
  }

  // The field's words in the API's messages ("time zone", "date of hour 2"…) and on the page.
  const FIELD_WORDS = { date: "date", opens: "opens", closes: "closes" };
  const ROW_WORDS = { date: "date", opens: "play starts", closes: "play ends" };
  function apiWords(field) {
    const row = /^hours\.(\d+)(?:\.(\w+))?$/.exec(field);
    if (!row) return field.replaceAll("_", " ");
    const hour = `hour ${Number(row[1]) + 1}`;
    return row[2] ? `${FIELD_WORDS[row[2]] || row[2]} of ${hour}` : hour;
  }
  function pageWords(field, slot) {
    const row = /^hours\.(\d+)(?:\.(\w+))?$/.exec(field);
    if (row) return `Day ${Number(row[1]) + 1}${row[2] ? `, ${ROW_WORDS[row[2]] || row[2]}` : ""}`;
    return (slot && slot.dataset.label) || field.replaceAll("_", " ");
  }

  // An API message as a sentence for people: its field by the page's label, statuses in the
  // page's words, times without seconds, limits as "at least"/"at most".
  function sentence(message, field, slot) {
    let text = String(message);
    if (field) {
      const said = apiWords(field);
      if (text.toLowerCase().startsWith(said)) text = pageWords(field, slot) + text.slice(said.length);
    }
    text = text
      .replace(/(\d\d:\d\d):00\b/g, "$1")
      .replace(/\bcloses \(/g, "play ends (")
      .replace(/\bafter opens \(/g, "after play starts (")
      .replace(/greater than or equal to/g, "at least")
      .replace(/less than or equal to/g, "at most")
      .replace(/\bsession(s?)\b/g, (_, many) => (many ? "matches" : "match"))
      .replace(/\bopenings overlap on ([\d-]+)/g, (_, day) => `two openings overlap on ${dayWords(day)}`);
    text = Bracketry.plain(text, words);
    return /[.!?]$/.test(text) ? text : `${text}.`;
  }

  function refusedWords(failure) {
    if (failure instanceof TypeError) return "The server could not be reached. Check the connection and try again.";
    if (failure.status === 401 || failure.status === 403) {
      return "Only this tournament’s organizer or an admin may change its venues and timing: sign in above.";
    }
    return null;
  }

  // Each problem of a refusal next to the field it names inside `form` (a day's row for a
  // day's field), the others on `line`.
  function showProblems(failure, form, line) {
    const fixed = refusedWords(failure);
    if (fixed) {
      line.textContent = fixed;
      return;
    }
    const problems = failure.problems && failure.problems.length ? failure.problems : [{ field: failure.field, message: failure.message }];
    let first = null;
    for (const problem of problems) {
      const field = problem.field || "";
      const row = /^hours\.(\d+)/.exec(field);
      const slot = !field || !form
        ? null
        : row
          ? form.querySelector(`[data-error-for="hours.${row[1]}"]`)
          : form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
      const text = sentence(problem.message, field, slot);
      if (slot) {
        if (!slot.textContent) slot.textContent = text;
        first = first || slot;
      } else if (!line.textContent) {
        line.textContent = text;
      }
    }
    if (first) first.scrollIntoView({ block: "center" });
  }

  function clearNotes() {
    for (const line of [ok, error, byId("schedule-error"), byId("venue-form-error"), byId("timing-error")]) line.textContent = "";
    for (const slot of root.querySelectorAll("#venues [data-error-for], #venues .venue-error")) slot.textContent = "";
  }

  // ---- the list --------------------------------------------------------------------------------
  function draw() {
    const venues = state.venues;
    const edit = mayEdit();
    byId("venue-tools").hidden = !edit;
    byId("schedule-run").hidden = !maySchedule();
    byId("hint-schedule-run").hidden = !maySchedule();
    timingForm.hidden = !edit || !state.timing;
    if (!edit) closeVenueForm();
    const note = byId("venues-note");
    if (venues === null) return;
    note.hidden = venues.length > 0;
    note.textContent = "No venue yet: without one, matches get no time on the schedule.";
    // Drawn again only when something in it changed: an open removal question stays.
    const key = `${edit}/${JSON.stringify(venues)}`;
    if (key !== state.drawn) {
      state.drawn = key;
      list.innerHTML = venues.map((v) => item(v, edit)).join("");
    }
    drawTiming();
  }

  function item(v, edit) {
    const name = esc(v.name);
    const tools = edit
      ? `<div class="venue-actions">` +
        `<button type="button" class="quiet small" data-do="edit" aria-label="Edit ${name}">Edit</button>` +
        `<button type="button" class="quiet small danger-text" data-do="remove" aria-label="Remove ${name}">Remove</button>` +
        `</div>` +
        `<div class="confirm-box" data-testid="venue-remove-confirm" hidden>` +
        `<p>Remove “${name}”? The matches still to play are then planned again without it.</p>` +
        `<button type="button" class="danger" data-do="remove-yes">Yes, remove the venue</button>` +
        `<button type="button" class="quiet" data-do="remove-no">Keep it</button></div>`
      : "";
    const hours = runs(v.hours).map((line) => `<li>${esc(line)}</li>`).join("");
    return (
      `<li class="venue" data-venue="${v.id}">` +
      `<div class="venue-head"><h3>${name}</h3>` +
      `<span class="muted">${plural(v.fields, "court or table", "courts or tables")} · times in ${esc(v.time_zone)}</span></div>` +
      `<ul class="venue-hours" aria-label="Days and hours at ${name}">${hours}</ul>${tools}` +
      `<p class="error venue-error" role="alert"></p></li>`
    );
  }

  function drawTiming() {
    const t = state.timing;
    const summary = byId("timing-summary");
    if (!t) {
      summary.textContent = "";
      return;
    }
    const rest = t.rest_minutes ? `at least ${plural(t.rest_minutes, "minute", "minutes")} of rest` : "no set rest";
    summary.textContent =
      `Each match takes ${plural(t.match_minutes, "minute", "minutes")}, a court or table pauses ` +
      `${plural(t.break_minutes, "minute", "minutes")} between two matches, and players have ${rest} between theirs.`;
  }

  async function load() {
    try {
      const [venues, tournament] = await Promise.all([
        Bracketry.api("GET", `${base}/venues`),
        Bracketry.api("GET", base),
      ]);
      state.venues = venues;
      state.timing = (tournament.config && tournament.config.timing) || null;
      if (state.timing && !timingForm.contains(document.activeElement)) fillTiming();
      draw();
    } catch (failure) {
      byId("venues-note").hidden = false;
      byId("venues-note").textContent = `The venues could not be loaded: ${refusedWords(failure) || sentence(failure.message, "", null)}`;
    }
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-do]");
    if (!button) return;
    const li = button.closest("li.venue");
    const venue = state.venues.find((v) => v.id === Number(li.dataset.venue));
    const confirm = li.querySelector(".confirm-box");
    if (button.dataset.do === "edit") {
      clearNotes();
      openVenueForm(venue);
    } else if (button.dataset.do === "remove") {
      clearNotes();
      confirm.hidden = false;
      confirm.querySelector("[data-do=remove-yes]").focus();
    } else if (button.dataset.do === "remove-no") {
      confirm.hidden = true;
      li.querySelector("[data-do=remove]").focus();
    } else if (button.dataset.do === "remove-yes") {
      confirm.hidden = true;
      try {
        await Bracketry.api("DELETE", `${base}/venues/${venue.id}`);
      } catch (failure) {
        const line = li.querySelector(".venue-error");
        showProblems(failure, null, line);
        if (!refusedWords(failure)) line.textContent = `“${venue.name}” was not removed: ${line.textContent.replace(/^./, (c) => c.toLowerCase())}`;
        return;
      }
      if (state.editing && state.editing.id === venue.id) closeVenueForm();
      await load();
      ok.textContent = `The venue “${venue.name}” was removed.`;
    }
  });

  // ---- the venue form ----------------------------------------------------------------------------
  function zoneChoices(wanted) {
    const select = venueForm.elements.time_zone;
    if (!select.options.length) {
      // Without the page's own list, the zones this browser knows.
      const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
      const zones = [...new Set(["UTC", ...known])].sort();
      select.innerHTML = zones.map((z) => `<option value="${esc(z)}">${esc(z)}</option>`).join("");
    }
    for (const zone of [wanted, here]) {
      if (zone && ![...select.options].some((o) => o.value === zone)) select.add(new Option(zone, zone));
    }
    select.value = wanted;
  }

  function dayRow(h, index) {
    return (
      `<li class="day" data-testid="day">` +
      `<label>Day ${index + 1}, date <input type="date" name="date" value="${esc(h.date)}"></label>` +
      `<label><span><span class="sr-only">Day ${index + 1}, </span>Play starts</span>` +
      `<input type="time" name="opens" value="${esc(hhmm(h.opens))}"></label>` +
      `<label><span><span class="sr-only">Day ${index + 1}, </span>Play ends</span>` +
      `<input type="time" name="closes" value="${esc(hhmm(h.closes))}"></label>` +
      `<button type="button" class="quiet small" data-do="drop" aria-label="Remove day ${index + 1}">Remove day</button>` +
      `<span class="error" data-error-for="hours.${index}" role="alert"></span></li>`
    );
  }

  function readDays() {
    return [...days.querySelectorAll("li.day")].map((li) => ({
      date: li.querySelector("[name=date]").value,
      opens: li.querySelector("[name=opens]").value,
      closes: li.querySelector("[name=closes]").value,
    }));
  }

  function drawDays(hours) {
    days.innerHTML = hours.map(dayRow).join("");
    for (const button of days.querySelectorAll("[data-do=drop]")) button.hidden = hours.length === 1;
  }

  function today() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  function openVenueForm(venue) {
    state.editing = venue;
    venueForm.hidden = false;
    byId("venue-add").setAttribute("aria-expanded", "true");
    byId("venue-form-title").textContent = venue ? `Edit “${venue.name}”` : "New venue";
    byId("venue-save").textContent = venue ? "Save venue" : "Add venue";
    venueForm.elements.name.value = venue ? venue.name : "";
    venueForm.elements.fields.value = venue ? venue.fields : "";
    zoneChoices(venue ? venue.time_zone : here);
    drawDays(venue ? venue.hours : [{ date: today(), opens: "09:00", closes: "18:00" }]);
    venueForm.scrollIntoView({ block: "nearest" });
    venueForm.elements.name.focus();
  }

  function closeVenueForm() {
    state.editing = null;
    venueForm.hidden = true;
    byId("venue-add").setAttribute("aria-expanded", "false");
  }

  byId("venue-add").addEventListener("click", () => {
    clearNotes();
    openVenueForm(null);
  });
  byId("venue-cancel").addEventListener("click", () => {
    clearNotes();
    closeVenueForm();
  });
  byId("day-add").addEventListener("click", () => {
    const hours = readDays();
    const last = hours[hours.length - 1];
    const date = last && /^\d{4}-\d\d-\d\d$/.test(last.date) ? nextDay(last.date) : today();
    hours.push({ date, opens: last ? last.opens : "09:00", closes: last ? last.closes : "18:00" });
    drawDays(hours);
    days.querySelector("li.day:last-child [name=date]").focus();
  });
  days.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-do=drop]");
    if (!button) return;
    const at = [...days.children].indexOf(button.closest("li.day"));
    const hours = readDays();
    hours.splice(at, 1);
    drawDays(hours);
    days.querySelector("li.day [name=date]").focus();
  });

  venueForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearNotes();
    const f = venueForm.elements;
    const fields = f.fields.value.trim();
    const body = {
      name: f.name.value.trim(),
      time_zone: f.time_zone.value,
      fields: fields === "" ? null : Number(fields),
      hours: readDays(),
    };
    const editing = state.editing;
    const save = byId("venue-save");
    save.disabled = true;
    let saved;
    try {
      saved = editing
        ? await Bracketry.api("PUT", `${base}/venues/${editing.id}`, body)
        : await Bracketry.api("POST", `${base}/venues`, body);
    } catch (failure) {
      showProblems(failure, venueForm, byId("venue-form-error"));
      return;
    } finally {
      save.disabled = false;
    }
    closeVenueForm();
    await load();
    ok.textContent = editing ? `The venue “${saved.name}” was saved.` : `The venue “${saved.name}” was added.`;
    byId("venue-add").focus();
  });

  // ---- timing and planning -------------------------------------------------------------------------
  function fillTiming() {
    for (const [name, value] of Object.entries(state.timing)) {
      if (timingForm.elements[name]) timingForm.elements[name].value = value;
    }
  }

  function moved(outcome) {
    const parts = [];
    if (outcome.moved.length) parts.push(`${plural(outcome.moved.length, "match has", "matches have")} a new time`);
    if (outcome.unscheduled) parts.push(`${plural(outcome.unscheduled, "match still to play has", "matches still to play have")} no time: no opening fits`);
    return parts.length ? ` ${parts.join("; ")}.` : "";
  }

  timingForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearNotes();
    const body = {};
    for (const input of timingForm.querySelectorAll("input[name]")) {
      body[input.name] = input.value.trim() === "" ? null : Number(input.value);
    }
    let outcome;
    try {
      outcome = await Bracketry.api("PUT", `${base}/timing`, body);
    } catch (failure) {
      showProblems(failure, timingForm, byId("timing-error"));
      return;
    }
    await load();
    fillTiming();
    ok.textContent = `Match timing saved.${moved(outcome)}`;
  });

  byId("schedule-run").addEventListener("click", async () => {
    clearNotes();
    const button = byId("schedule-run");
    button.disabled = true;
    let outcome;
    try {
      outcome = await Bracketry.api("POST", `${base}/schedule`);
    } catch (failure) {
      showProblems(failure, null, byId("schedule-error"));
      return;
    } finally {
      button.disabled = false;
    }
    ok.textContent = `Matches planned again: ${plural(outcome.scheduled, "match has", "matches have")} a time.${moved(outcome)}`;
  });

  // ---- page events ---------------------------------------------------------------------------------
  root.addEventListener("bracketry:manage", (event) => {
    state.manage = Boolean(event.detail.on);
    if (!state.manage) clearNotes();
    draw();
  });
  root.addEventListener("bracketry:snapshot", (event) => {
    const changed = state.snap !== null && state.snap.status !== event.detail.status;
    state.snap = event.detail;
    if (changed) {
      clearNotes();
      load();
    } else {
      draw();
    }
  });
  state.snap = typeof ManagePage !== "undefined" ? ManagePage.snapshot() : null;
  load();
})();
