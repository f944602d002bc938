"use strict";
// The new-tournament form: the chosen format's options (tiebreak orders built by hand), an
// optional check-in window and venue, all times in the chosen time zone. One POST /tournaments
// (options, timing and check-in are its config), then POST …/venues when a venue is given;
// the API's refusals are shown next to the field they name, then the manage page opens.
(() => {
  const form = document.getElementById("new-form");
  const signin = document.getElementById("new-signin");
  const error = document.getElementById("new-error");
  const notice = document.getElementById("new-notice");
  const manageLink = document.getElementById("new-manage");
  const button = form.querySelector("button[type=submit]");
  const sets = [...form.querySelectorAll("fieldset[data-format]")];
  const $ = (name) => form.elements[name];

  function showAccess() {
    const may = Bracketry.mayCreate();
    signin.hidden = may;
    form.hidden = !may;
  }
  document.addEventListener("bracketry:account", showAccess);
  showAccess();

  function chosen() {
    return sets.find((set) => set.dataset.format === $("format").value);
  }

  // Ordered choices (a tiebreak order): the chosen ones in order, each movable and removable,
  // and a select of the others to add.
  function setUpOrder(widget) {
    const words = new Map(JSON.parse(widget.dataset.choices));
    const list = widget.querySelector(".order-list");
    const pick = widget.querySelector(".order-choice");
    const empty = widget.querySelector(".order-empty");
    const add = widget.querySelector(".order-add-button");
    widget.order = JSON.parse(widget.dataset.default);
    const control = (step, name, text, label, usable = true) =>
      `<button type="button" class="quiet" data-step="${step}" data-name="${name}" aria-label="${Bracketry.escape(label)}"` +
      `${usable ? "" : " disabled"}>${text}</button>`;
    function render() {
      list.innerHTML = widget.order
        .map((name, i) => {
          const said = words.get(name) || name;
          return (
            `<li><span>${Bracketry.escape(said)}</span><span class="order-controls">` +
            control("up", name, "↑", `Move ${said} up`, i > 0) +
            control("down", name, "↓", `Move ${said} down`, i < widget.order.length - 1) +
            control("remove", name, "✕", `Remove ${said}`) +
            "</span></li>"
          );
        })
        .join("");
      const left = [...words].filter(([name]) => !widget.order.includes(name));
      pick.innerHTML = left.map(([name, said]) => `<option value="${name}">${Bracketry.escape(said)}</option>`).join("");
      pick.closest(".order-add").hidden = left.length === 0;
      empty.hidden = widget.order.length > 0;
    }
    list.addEventListener("click", (event) => {
      const step = event.target.closest("button[data-step]");
      if (!step) return;
      const at = widget.order.indexOf(step.dataset.name);
      const to = { up: at - 1, down: at + 1 }[step.dataset.step];
      widget.order.splice(at, 1);
      if (to !== undefined) widget.order.splice(to, 0, step.dataset.name);
      render();
      // Focus stays on the moved choice's control, or on the list's next control.
      const again = list.querySelector(`button[data-name="${step.dataset.name}"][data-step="${step.dataset.step}"]:not([disabled])`);
      (again || list.querySelector("button:not([disabled])") || pick).focus();
    });
    add.addEventListener("click", () => {
      if (!pick.value) return;
      widget.order.push(pick.value);
      render();
    });
    render();
  }
  for (const widget of form.querySelectorAll("[data-kind=order]")) setUpOrder(widget);

  // Only the chosen format's options are in the page; the others wait outside it.
  const holder = document.getElementById("format-options");
  const capacity = $("max_players");
  const capacityMax = JSON.parse(capacity.dataset.maxByFormat);
  function showOptions() {
    holder.replaceChildren(chosen());
    capacity.max = capacityMax[$("format").value];
  }
  $("format").addEventListener("change", showOptions);
  showOptions();

  // A checkbox shows or hides the part it switches on.
  for (const box of form.querySelectorAll("[data-switch]")) {
    const part = document.getElementById(box.dataset.switch);
    const show = () => (part.hidden = !box.checked);
    box.addEventListener("change", show);
    show();
  }
  const on = (name) => $(name).checked;

  // This browser's own time zone, when the list has it.
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if ([...$("time_zone").options].some((o) => o.value === here)) $("time_zone").value = here;

  class PageProblem extends Error {
    constructor(field, message) {
      super(message);
      this.field = field;
    }
  }

  // A local date and time ("2030-05-01T09:00") in an IANA zone, with its UTC offset.
  const pad = (n) => String(n).padStart(2, "0");
  function offsetAt(instant, zone) {
    const parts = {};
    const shown = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    for (const part of shown.formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return Math.round((wall - instant) / 60000);
  }
  function zoned(local, zone) {
    const [day, time] = local.split("T");
    const [y, m, d] = day.split("-").map(Number);
    const [hh, mm] = time.split(":").map(Number);
    const wall = Date.UTC(y, m - 1, d, hh, mm);
    let offset;
    try {
      offset = offsetAt(wall, zone);
      offset = offsetAt(wall - offset * 60000, zone);
    } catch (_) {
      throw new PageProblem("venue.time_zone", "This browser cannot work out times in this zone: choose another one.");
    }
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset);
    return `${day}T${pad(hh)}:${pad(mm)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  function put(target, path, value) {
    const parts = path.split(".");
    const last = parts.pop();
    for (const part of parts) target = target[part] = target[part] || {};
    target[last] = value;
  }

  function read(input, config) {
    const path = input.dataset.option;
    if (input.dataset.kind === "order") return put(config, path, [...input.order]);
    if (input.type === "checkbox") return put(config, path, input.checked);
    if (input.type === "number") {
      if (input.value.trim() === "") return input.dataset.optional ? undefined : put(config, path, null);
      return put(config, path, Number(input.value));
    }
    if (input.type === "datetime-local") {
      return input.value ? put(config, path, zoned(input.value, $("time_zone").value)) : undefined;
    }
    return put(config, path, input.value);
  }

  function tournamentBody() {
    const config = {};
    const parts = [capacity, ...chosen().querySelectorAll("[data-option]")];
    if (on("check_in_on")) {
      parts.push(...document.querySelectorAll("#check-in-window [data-option]"));
      config.check_in = {};
    }
    if (on("venue_on")) parts.push(...document.querySelectorAll("#timing-fields [data-option]"));
    for (const input of parts) read(input, config);
    return { name: $("name").value.trim(), format: $("format").value, config };
  }

  function venueBody() {
    const days = $("days").value.trim();
    const limit = Number($("days").max);
    if (!/^\d+$/.test(days) || Number(days) < 1 || Number(days) > limit) {
      throw new PageProblem("venue.hours", `Days of play must be a whole number from 1 to ${limit}.`);
    }
    const start = $("start_date").value;
    const first = start ? Date.parse(`${start}T00:00:00Z`) : NaN;
    const hours = [];
    for (let i = 0; i < Number(days); i++) {
      const date = Number.isNaN(first) ? start : new Date(first + i * 86400000).toISOString().slice(0, 10);
      hours.push({ date, opens: $("start_time").value, closes: $("end_time").value });
      if (Number.isNaN(first)) break;
    }
    const fields = $("venue_fields").value.trim();
    const body = { name: $("venue_name").value.trim(), time_zone: $("time_zone").value, hours };
    if (fields !== "") body.fields = Number(fields);
    return body;
  }

  // The API names a field by its path ("config.points.draw"); its message starts with the
  // path in words ("draw of points of config"), which the page replaces by the field's label.
  function singular(word) {
    if (word.endsWith("ies")) return word.slice(0, -3) + "y";
    return word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
  }
  function pathWords(field) {
    const parts = [];
    for (const part of field.split(".")) {
      if (/^\d+$/.test(part)) parts.push(`${parts.length ? singular(parts.pop()) : "entry"} ${Number(part) + 1}`);
      else parts.push(part.replaceAll("_", " "));
    }
    return parts.reverse().join(" of ");
  }

  // Labels of the fields in view by their names, and the words of the tiebreaks.
  function names() {
    const found = {};
    for (const input of form.querySelectorAll("[data-option]")) {
      found[input.dataset.option.split(".").pop()] = input.dataset.label;
    }
    return found;
  }
  function choiceWords() {
    const found = {};
    for (const widget of form.querySelectorAll("[data-kind=order]")) {
      for (const [name, said] of JSON.parse(widget.dataset.choices)) found[name] = said;
    }
    return found;
  }

  function sentence(problem, slot) {
    let text = String(problem.message);
    const said = pathWords(problem.apiField);
    if (slot && slot.dataset.label && text.startsWith(said)) text = slot.dataset.label + text.slice(said.length);
    const labels = names();
    const keys = Object.keys(labels).sort((a, b) => b.length - a.length);
    for (const key of keys) {
      const label = labels[key].toLowerCase();
      text = text.replace(new RegExp(`\\b${key}=([^\\s,;)]+)`, "g"), `${label} ($1)`);
      if (key.includes("_")) text = text.replace(new RegExp(`\\b${key}\\b`, "g"), label);
    }
    if (problem.apiField.includes("tiebreaks")) {
      const words = choiceWords();
      for (const key of Object.keys(words).sort((a, b) => b.length - a.length)) {
        text = text.replace(new RegExp(`\\b${key}\\b`, "g"), words[key]);
      }
    }
    text = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?]$/.test(text) ? text : `${text}.`;
  }

  // The slot of a field: its own, else the one of its list (numbers left out), else of the
  // nearest part that has one.
  function slotFor(field) {
    const tries = [field];
    const parts = field.replace(/\.\d+(?=\.|$)/g, "").split(".");
    while (parts.length) {
      tries.push(parts.join("."));
      parts.pop();
    }
    for (const name of tries) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      if (slot) return slot;
    }
    return null;
  }

  function showProblems(failure, prefix) {
    if (failure instanceof TypeError) {
      error.textContent = "The server could not be reached. Check the connection and try again.";
      return;
    }
    const problems = failure.problems && failure.problems.length
      ? failure.problems
      : [{ field: failure.field, message: failure.message }];
    let first = null;
    for (const problem of problems) {
      const apiField = problem.field || "";
      const slot = apiField ? slotFor(prefix + apiField) : null;
      const text = sentence({ ...problem, apiField }, slot);
      if (slot) {
        if (!slot.textContent) slot.textContent = text;
        first = first || slot;
      } else if (!error.textContent) error.textContent = text;
    }
    if (failure.status === 401 || failure.status === 403) {
      error.textContent = "Only an organizer or an admin may create a tournament: sign in above.";
    }
    if (first) {
      const details = first.closest("details");
      if (details) details.open = true;
      first.scrollIntoView({ block: "center" });
    }
  }

  function clearErrors() {
    error.textContent = "";
    for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  }

  // Once the tournament exists, only its venue is left to save.
  let created = null;
  function venueLeft(made) {
    created = made;
    for (const id of ["tournament-part", "timing-fields"]) document.getElementById(id).disabled = true;
    $("venue_on").disabled = true;
    notice.hidden = false;
    notice.textContent =
      `“${made.name}” was created as a draft with its options, but its venue was not saved. ` +
      "Correct the marked fields and save the venue, or go to the manage page without it.";
    manageLink.href = `/tournaments/${made.id}/manage`;
    manageLink.hidden = false;
    button.textContent = "Save the venue";
  }

  async function send() {
    if (!created) {
      const body = tournamentBody();
      const venue = on("venue_on") ? venueBody() : null;
      let made;
      try {
        made = await Bracketry.api("POST", "/tournaments", body);
      } catch (failure) {
        showProblems(failure, "");
        return;
      }
      if (!venue) return window.location.assign(`/tournaments/${made.id}/manage`);
      created = made;
    }
    try {
      await Bracketry.api("POST", `/tournaments/${created.id}/venues`, venueBody());
    } catch (failure) {
      venueLeft(created);
      showProblems(failure, "venue.");
      return;
    }
    window.location.assign(`/tournaments/${created.id}/manage`);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    try {
      await send();
    } catch (problem) {
      if (!(problem instanceof PageProblem)) throw problem;
      showProblems({ problems: [{ field: problem.field, message: problem.message }] }, "");
    } finally {
      button.disabled = false;
    }
  });
})();
