"use strict";
// The timetable as a timeline: one row per venue field, each scheduled session a box placed
// by its start and end on a shared hour axis and classed by its status. It reads the first
// LIMIT sessions of /schedule (by start time) and the venues, whose fields give the rows.
const TimelineView = (() => {
  const LIMIT = 2000;
  const HOUR = 3_600_000;
  const BOX_PX = 170; // the shortest session's width, within an hour of 60 to 480 px

  // Milliseconds east of UTC of an ISO time's own offset ("+01:00", "Z").
  function offsetOf(iso) {
    const m = /([+-])(\d\d):(\d\d)$/.exec(iso);
    return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  }

  function zoneName(offset) {
    const minutes = Math.abs(offset) / 60_000;
    const pad = (n) => String(n).padStart(2, "0");
    return `UTC${offset < 0 ? "−" : "+"}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  }

  // "Ada – Bob", "Ada – TBD", "TBD"; a heat's players by lane.
  function players(s) {
    if (s.entries && s.entries.length) return s.entries.map((e) => e.name).join(", ");
    const people = s.participants || [];
    return people.some(Boolean) ? people.map((p) => (p ? p.name : "TBD")).join(" – ") : "TBD";
  }

  // Rows in venue order, fields 1..n (a slot on a field no venue lists gets its own row).
  function rows(venues, items) {
    const all = new Map();
    const row = (id, venue, field) => {
      const key = `${id}/${field}`;
      if (!all.has(key)) all.set(key, { venue, field, items: [] });
      return all.get(key);
    };
    for (const v of venues) for (let field = 1; field <= v.fields; field++) row(v.id, v.name, field);
    for (const item of items) row(item.slot.venue_id, item.slot.venue, item.slot.field).items.push(item);
    return [...all.values()];
  }

  // One session's box; x: a time's position on the axis (px).
  function box(item, label, x) {
    const { session: s, slot } = item;
    const start = x(Date.parse(slot.starts_at));
    const width = Math.max(3, x(Date.parse(slot.ends_at)) - start - 2);
    const text = `${label(s)} · ${players(s)}`;
    const when = `${slot.starts_at.slice(0, 10)} ${slot.starts_at.slice(11, 16)}–${slot.ends_at.slice(11, 16)} ${zoneName(offsetOf(slot.starts_at))}`;
    const title = `${text}\n${when} · ${slot.venue}, field ${slot.field} · ${s.status}`;
    return (
      `<div class="slot ${s.status}" data-testid="slot-${s.id}" data-session-id="${s.id}" data-status="${s.status}" ` +
      `style="left:${start}px;width:${width}px" title="${Bracketry.escape(title)}">${Bracketry.escape(text)}</div>`
    );
  }

  // Hour ticks from `first` to `last`, told at `offset`; a date at the start and each midnight.
  function axis(first, last, offset, x) {
    const ticks = [];
    for (let t = first; t <= last; t += HOUR) {
      const wall = new Date(t + offset).toISOString();
      const date = t === first || wall.slice(11, 13) === "00" ? `<b>${wall.slice(0, 10)}</b>` : "";
      ticks.push(`<span class="tick" style="left:${x(t)}px">${date}${wall.slice(11, 16)}</span>`);
    }
    return ticks.join("");
  }

  // The timeline of `items` (at least one) on the venues' fields; label: a session's name.
  function render(pane, items, venues, label) {
    const offset = offsetOf(items[0].slot.starts_at);
    const toHour = (t, up) => Math[up ? "ceil" : "floor"]((t + offset) / HOUR) * HOUR - offset;
    const first = toHour(Math.min(...items.map((i) => Date.parse(i.slot.starts_at))), false);
    const last = toHour(Math.max(...items.map((i) => Date.parse(i.slot.ends_at))), true);
    const shortest = Math.min(...items.map((i) => Date.parse(i.slot.ends_at) - Date.parse(i.slot.starts_at)));
    const hourPx = Math.min(480, Math.max(60, Math.round((BOX_PX * HOUR) / Math.max(shortest, 1))));
    const x = (t) => Math.round(((t - first) / HOUR) * hourPx);
    const track = (inner) => `<div class="tl-track" style="width:${x(last)}px">${inner}</div>`;
    pane.style.setProperty("--hour", `${hourPx}px`);
    pane.innerHTML =
      `<div class="tl-row tl-axis"><div class="tl-label"></div>${track(axis(first, last, offset, x))}</div>` +
      rows(venues, items)
        .map(
          (r) =>
            `<div class="tl-row" data-testid="timeline-row"><div class="tl-label">${Bracketry.escape(`${r.venue} · field ${r.field}`)}</div>` +
            track(r.items.map((item) => box(item, label, x)).join("")) +
            "</div>",
        )
        .join("");
    return zoneName(offset);
  }

  // A view in `section` (hidden while nothing is scheduled); base: the tournament's API path;
  // label: a session's short name ("R1 #3").
  function create(section, base, label) {
    const part = (testid) => section.querySelector(`[data-testid="${testid}"]`);
    let loads = 0;

    // Reads the timetable again (none without sessions) and redraws it.
    async function update(hasSessions) {
      const ticket = ++loads;
      const [page, venues] = hasSessions
        ? await Promise.all([Bracketry.api("GET", `${base}/schedule?limit=${LIMIT}`), Bracketry.api("GET", `${base}/venues`)])
        : [{ items: [], total: 0, unscheduled: 0 }, []];
      if (ticket !== loads) return; // a later load is under way
      section.dataset.total = page.total;
      section.hidden = !page.items.length;
      if (!page.items.length) return;
      const zone = render(part("timeline"), page.items, venues, label);
      const shown = page.items.length;
      part("schedule-count").textContent = shown < page.total ? `showing first ${shown} of ${page.total}` : `${page.total} scheduled`;
      part("schedule-unscheduled").textContent = page.unscheduled ? `${page.unscheduled} unscheduled` : "";
      part("schedule-unscheduled").hidden = !page.unscheduled;
      part("schedule-zone").textContent = `hours at ${zone}`;
    }

    return { update };
  }

  return { create };
})();
