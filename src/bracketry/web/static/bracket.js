"use strict";
// Draws a knockout as SVG: rounds as columns, each match a box fed by links to the next.
const BracketView = (() => {
  const BOX_W = 190;
  const BOX_H = 40;
  const GAP_X = 46;
  const UNIT = BOX_H + 14;
  const NAME_CHARS = 20;

  function short(name) {
    return name.length > NAME_CHARS ? name.slice(0, NAME_CHARS - 1) + "…" : name;
  }

  function line(session, slot) {
    const person = session.participants && session.participants[slot];
    const result = session.result;
    const winner = result && result.winner_id !== null && person && result.winner_id === person.player_id;
    const score = result && result.outcome !== "bye" ? result[slot === 0 ? "score_a" : "score_b"] : null;
    if (!person) {
      const bye = result && result.outcome === "bye";
      return { text: bye ? "bye" : "–", score: "", cls: bye ? "bye" : "tbd", id: "" };
    }
    return { text: short(person.name), score: score === null || score === undefined ? "" : String(score), cls: winner ? "win" : "", id: String(person.player_id) };
  }

  function position(session, firstRound, rounds, finalY) {
    const column = session.round - firstRound;
    if (session.side === "third_place") {
      return { x: column * (BOX_W + GAP_X), y: finalY + 2 * UNIT };
    }
    const span = 2 ** column;
    return { x: column * (BOX_W + GAP_X), y: (session.number - 0.5) * span * UNIT };
  }

  // sessions: every session of rounds firstRound..lastRound; path: player id to highlight.
  function render(container, sessions, firstRound, lastRound, zoom, path) {
    const main = sessions.filter((s) => s.side === "main");
    if (!main.length) {
      container.innerHTML = '<p class="empty">No sessions yet.</p>';
      return;
    }
    const firstCount = main.filter((s) => s.round === firstRound).length || 1;
    const finalY = (0.5 * 2 ** (lastRound - firstRound)) * UNIT;
    const width = (lastRound - firstRound + 1) * (BOX_W + GAP_X);
    const height = Math.max(firstCount * UNIT, finalY + 3 * UNIT) + UNIT;
    const where = new Map();
    for (const s of sessions) where.set(s.id, position(s, firstRound, lastRound, finalY));
    const parts = [];
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
    let champion = "";
    for (const s of sessions) {
      const p = where.get(s.id);
      const a = line(s, 0);
      const b = line(s, 1);
      const onPath = path && (a.id === path || b.id === path) ? " on-path" : "";
      const top = p.y - BOX_H / 2;
      const label = s.side === "third_place" ? "3rd place" : `R${s.round} #${s.number}`;
      parts.push(
        `<g class="match ${s.status}${onPath}" data-testid="match-${s.id}" data-session-id="${s.id}" data-round="${s.round}" data-side="${s.side}">` +
          `<title>${Bracketry.escape(label)} · ${s.status}</title>` +
          `<rect x="${p.x}" y="${top}" width="${BOX_W}" height="${BOX_H}" rx="4"/>` +
          `<line x1="${p.x}" x2="${p.x + BOX_W}" y1="${p.y}" y2="${p.y}"/>` +
          `<text x="${p.x + 6}" y="${top + 14}" class="${a.cls}" data-player-id="${a.id}">${Bracketry.escape(a.text)}</text>` +
          `<text x="${p.x + BOX_W - 6}" y="${top + 14}" class="score ${a.cls}" text-anchor="end">${a.score}</text>` +
          `<text x="${p.x + 6}" y="${top + 34}" class="${b.cls}" data-player-id="${b.id}">${Bracketry.escape(b.text)}</text>` +
          `<text x="${p.x + BOX_W - 6}" y="${top + 34}" class="score ${b.cls}" text-anchor="end">${b.score}</text>` +
          `</g>`,
      );
      const final = s.side === "main" && s.round === lastRound && !s.winner_to;
      if (final && s.result && s.result.winner_id !== null) {
        const won = s.participants.find((person) => person && person.player_id === s.result.winner_id);
        if (won) champion = won.name;
      }
    }
    const heading = champion
      ? `<p class="champion">Champion: <strong data-testid="champion">${Bracketry.escape(champion)}</strong></p>`
      : "";
    const scaled = `width="${Math.round(width * zoom)}" height="${Math.round(height * zoom)}"`;
    container.innerHTML =
      heading +
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 0 ${width + 8} ${height}" ${scaled} role="img" aria-label="bracket, rounds ${firstRound} to ${lastRound}">` +
      parts.join("") +
      "</svg>";
  }

  return { render };
})();
