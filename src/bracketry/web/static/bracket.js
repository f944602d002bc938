"use strict";
// Draws elimination brackets as SVG: rounds as columns, each match a box fed by links to the
// next. A knockout halves every round; other sides (a losers bracket, grand finals) are laid
// out evenly, each column's matches spread over the height of the tallest column. Each
// column is headed by its round's name; a forfeit or walkover reads "w/o", not a score.
const BracketView = (() => {
  const BOX_W = 190;
  const BOX_H = 40;
  const GAP_X = 46;
  const UNIT = BOX_H + 14;
  const HEAD = 26; // room above the boxes for the rounds' names
  const NAME_CHARS = 20;
  const WO = "w/o";

  function short(name) {
    return name.length > NAME_CHARS ? name.slice(0, NAME_CHARS - 1) + "…" : name;
  }

  // A result decided without play against someone: a forfeit, a double forfeit, or a
  // walkover (nobody came through on the other side after a double forfeit).
  function walkover(result) {
    return Boolean(result) && (result.outcome === "forfeit" || result.outcome === "double_forfeit" || result.source === "walkover");
  }

  function line(session, slot) {
    const person = session.participants && session.participants[slot];
    const result = session.result;
    const winner = result && result.winner_id !== null && person && result.winner_id === person.player_id;
    const score = result && result.outcome !== "bye" ? result[slot === 0 ? "score_a" : "score_b"] : null;
    const wo = walkover(result);
    if (!person) {
      const bye = result && result.outcome === "bye" && !wo;
      return { text: bye ? "bye" : "–", score: "", cls: bye ? "bye" : "tbd", id: "" };
    }
    const shown = wo ? (winner || result.outcome === "double_forfeit" ? WO : "") : score === null || score === undefined ? "" : String(score);
    return { text: short(person.name), score: shown, cls: winner ? "win" : "", id: String(person.player_id) };
  }

  // Box centres of a knockout: round r's match n sits between its two feeders.
  function halving(sessions, firstRound, lastRound) {
    const main = sessions.filter((s) => s.side !== "third_place");
    const firstCount = main.filter((s) => s.round === firstRound).length || 1;
    const finalY = 0.5 * 2 ** (lastRound - firstRound) * UNIT;
    const where = new Map();
    for (const s of sessions) {
      const column = s.round - firstRound;
      const y = s.side === "third_place" ? finalY + 2 * UNIT : (s.number - 0.5) * 2 ** column * UNIT;
      where.set(s.id, { x: column * (BOX_W + GAP_X), y: y + HEAD });
    }
    const third = sessions.some((s) => s.side === "third_place") ? 3 : 1; // room below the final
    return { where, height: Math.max(firstCount * UNIT, finalY + third * UNIT) + UNIT + HEAD };
  }

  // Box centres spread evenly down each column (in match number order).
  function even(sessions, firstRound) {
    const columns = new Map();
    for (const s of [...sessions].sort((a, b) => a.number - b.number)) {
      if (!columns.has(s.round)) columns.set(s.round, []);
      columns.get(s.round).push(s);
    }
    const tallest = Math.max(...[...columns.values()].map((c) => c.length));
    const where = new Map();
    for (const [round, column] of columns) {
      column.forEach((s, i) => {
        where.set(s.id, { x: (round - firstRound) * (BOX_W + GAP_X), y: HEAD + ((i + 0.5) * tallest * UNIT) / column.length });
      });
    }
    return { where, height: tallest * UNIT + UNIT / 2 + HEAD };
  }

  // What a match box says to assistive technology: which match, who plays, how it stands.
  function spoken(s, label) {
    const people = (s.participants || []).map((p) => (p ? p.name : "to be decided"));
    const r = s.result;
    const score = walkover(r) ? `, ${WO}` : r && r.score_a !== null && r.score_b !== null ? `, ${r.score_a}–${r.score_b}` : "";
    const state = s.status === "completed" ? `decided${score}; choose to correct the result` : "choose to record the result";
    return `${label}: ${people.join(" vs ")}, ${state}`;
  }

  // The SVG of sessions of rounds firstRound..lastRound; path: a player id to highlight;
  // pick: which sessions are buttons (that open the result form), or none; label: a
  // session's name ("Semi-final 2"); heading: a round's name, over its column.
  function svg(sessions, firstRound, lastRound, { zoom, path, layout, pick, label, heading }) {
    const { where, height } = layout === "even" ? even(sessions, firstRound) : halving(sessions, firstRound, lastRound);
    const width = (lastRound - firstRound + 1) * (BOX_W + GAP_X);
    const parts = [];
    const rounds = [...new Set(sessions.map((s) => s.round))].sort((a, b) => a - b);
    for (const round of rounds) {
      const x = (round - firstRound) * (BOX_W + GAP_X);
      parts.push(`<text class="round-head" x="${x + 2}" y="16" data-round="${round}">${Bracketry.escape(heading(round))}</text>`);
    }
    for (const s of sessions) {
      if (!s.winner_to || !where.has(s.winner_to.match_id)) continue;
      const from = where.get(s.id);
      const to = where.get(s.winner_to.match_id);
      const x1 = from.x + BOX_W;
      const y1 = from.y;
      const x2 = to.x;
      const y2 = to.y - BOX_H / 4 + (s.winner_to.slot * BOX_H) / 2;
      const mid = x1 + GAP_X / 2;
      parts.push(`<path class="link" d="M${x1} ${y1} H${mid} V${y2} H${x2}"/>`);
    }
    for (const s of sessions) {
      const p = where.get(s.id);
      const a = line(s, 0);
      const b = line(s, 1);
      const onPath = path && (a.id === path || b.id === path) ? " on-path" : "";
      const top = p.y - BOX_H / 2;
      const name = label(s);
      const button = pick && pick(s) ? ` role="button" tabindex="0" aria-label="${Bracketry.escape(spoken(s, name))}"` : "";
      if (s.side === "third_place") {
        // The match for third place has no column of its own: its name goes over its box.
        parts.push(`<text class="third-head" x="${p.x + 2}" y="${top - 6}">${Bracketry.escape(name)}</text>`);
      }
      parts.push(
        `<g class="match ${s.status}${onPath}${button ? " pick" : ""}" data-testid="match-${s.id}" data-session-id="${s.id}" data-round="${s.round}" data-side="${s.side}"${button}>` +
          `<title>${Bracketry.escape(name)} · ${s.status}</title>` +
          `<rect x="${p.x}" y="${top}" width="${BOX_W}" height="${BOX_H}" rx="4"/>` +
          `<line x1="${p.x}" x2="${p.x + BOX_W}" y1="${p.y}" y2="${p.y}"/>` +
          `<text x="${p.x + 6}" y="${top + 14}" class="${a.cls}" data-player-id="${a.id}">${Bracketry.escape(a.text)}</text>` +
          `<text x="${p.x + BOX_W - 6}" y="${top + 14}" class="score ${a.cls}" text-anchor="end">${a.score}</text>` +
          `<text x="${p.x + 6}" y="${top + 34}" class="${b.cls}" data-player-id="${b.id}">${Bracketry.escape(b.text)}</text>` +
          `<text x="${p.x + BOX_W - 6}" y="${top + 34}" class="score ${b.cls}" text-anchor="end">${b.score}</text>` +
          `</g>`,
      );
    }
    const scaled = `width="${Math.round(width * zoom)}" height="${Math.round(height * zoom)}"`;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 0 ${width + 8} ${height}" ${scaled} role="img" aria-label="${Bracketry.escape(`bracket: ${heading(firstRound)} to ${heading(lastRound)}`)}">` +
      parts.join("") +
      "</svg>"
    );
  }

  // A knockout: sessions of rounds firstRound..lastRound. options: zoom, path (a player id
  // to highlight), pick, label and heading (see svg). The champion is named by the page's
  // summary, not here.
  function render(container, sessions, firstRound, lastRound, options) {
    const main = sessions.filter((s) => s.side === "main");
    if (!main.length) {
      container.innerHTML = '<p class="empty">No matches yet.</p>';
      return;
    }
    container.innerHTML = svg(sessions, firstRound, lastRound, { ...options, layout: "halving" });
  }

  // Several brackets, each a labelled section: parts are {key, title, sessions, firstRound,
  // lastRound, layout, heading}; options as for render.
  function renderParts(container, parts, options) {
    container.innerHTML = parts
      .filter((part) => part.sessions.length)
      .map(
        (part) =>
          `<section class="part" data-testid="part-${part.key}" aria-label="${Bracketry.escape(part.title)}">` +
          `<h3>${Bracketry.escape(part.title)}</h3>` +
          svg(part.sessions, part.firstRound, part.lastRound, { ...options, layout: part.layout, heading: part.heading }) +
          "</section>",
      )
      .join("");
  }

  // Scroll `pane` so that `target` (an element drawn in it) is in view, near the left and
  // the middle: the part of a bracket worth looking at.
  function reveal(pane, target) {
    if (!target) return;
    const box = target.getBoundingClientRect();
    const view = pane.getBoundingClientRect();
    pane.scrollLeft += box.left - view.left - 24;
    pane.scrollTop += box.top - view.top - Math.max(0, (pane.clientHeight - box.height) / 2);
  }

  return { render, renderParts, reveal, walkover };
})();
