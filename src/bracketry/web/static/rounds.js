"use strict";
// The rounds view, for formats without a bracket to draw (round robin, Swiss, a group stage,
// any format this page does not know): a round selector and one page of that round's
// sessions, read with ?round=N&limit=…, so a big event is never loaded whole. Rounds go
// by the names the monitor snapshot gives them; a forfeit or walkover reads "w/o".
const RoundsView = (() => {
  const PAGE = 50;

  function names(s) {
    if (s.entries && s.entries.length) {
      // a heat: its players in place order once placed (with their values), else by lane
      const ordered = [...s.entries].sort((a, b) => (a.place ?? a.lane) - (b.place ?? b.lane));
      return ordered
        .map((e) => (e.place ? `${e.place}. ` : "") + Bracketry.escape(e.name) + (e.value === null ? "" : ` (${e.value})`))
        .join(", ");
    }
    const won = s.result ? s.result.winner_id : null;
    const people = (s.participants || []).map((p) =>
      p ? `<span class="${p.player_id === won ? "win" : ""}" data-player-id="${p.player_id}">${Bracketry.escape(p.name)}</span>` : null,
    );
    if (s.result && s.result.outcome === "bye" && s.result.source !== "walkover") {
      return `${people.filter(Boolean).join("")} <span class="bye">bye</span>`;
    }
    return people.map((p) => p || '<span class="tbd">–</span>').join(" – ");
  }

  function outcome(result) {
    if (!result) return "–";
    if (result.outcome === "double_forfeit") return "w/o (both)";
    if (BracketView.walkover(result)) return "w/o";
    const score = result.score_a === null || result.score_b === null ? "" : `${result.score_a}–${result.score_b}`;
    if (result.outcome === "win") return score || "win";
    if (result.outcome === "draw") return score ? `draw ${score}` : "draw";
    return result.outcome.replace(/_/g, " ");
  }

  function board(s) {
    const side = s.side === "main" ? "" : `${s.side.replace(/_/g, " ")} `;
    return `${side}${s.number}`;
  }

  // A view in `container`; read(query): a page of the tournament's sessions
  // (GET …/sessions?query), as the page keeps them.
  function create(container, read) {
    const view = { stage: null, rounds: 0, labels: [], current: 1, pinned: 0, offset: 0, path: "", loads: 0, pickable: null };
    const roundName = (round) => view.labels[round - 1] || `Round ${round}`;
    container.innerHTML =
      '<div class="round-bar">' +
      '<button type="button" data-step="-1" aria-label="previous round">‹</button>' +
      '<label>Round <select data-testid="round-select"></select></label>' +
      '<button type="button" data-step="1" aria-label="next round">›</button>' +
      '<span class="muted" data-testid="round-caption"></span>' +
      "</div>" +
      '<table data-testid="round-table"><thead><tr><th class="num">Board</th><th>Players</th><th class="num">Result</th><th>Status</th></tr></thead><tbody></tbody></table>' +
      '<nav class="pager" aria-label="sessions of the round"><button type="button" data-page="-1">← earlier sessions</button><button type="button" data-page="1">later sessions →</button></nav>';
    const select = container.querySelector("select");
    const [earlier, later] = container.querySelectorAll("[data-page]");

    function shown() {
      return Math.min(view.pinned || view.current, view.rounds) || 1;
    }

    function pick(round) {
      view.pinned = Math.max(1, Math.min(view.rounds, round));
      view.offset = 0;
      load();
    }
    select.addEventListener("change", () => pick(Number(select.value)));
    for (const button of container.querySelectorAll("[data-step]")) {
      button.addEventListener("click", () => pick(shown() + Number(button.dataset.step)));
    }
    earlier.addEventListener("click", () => {
      view.offset = Math.max(0, view.offset - PAGE);
      load();
    });
    later.addEventListener("click", () => {
      view.offset += PAGE;
      load();
    });

    async function load() {
      const ticket = ++view.loads;
      const round = shown();
      const titles = Array.from({ length: view.rounds }, (_, i) => roundName(i + 1));
      if ([...select.options].map((o) => o.textContent).join("|") !== titles.join("|")) {
        select.innerHTML = titles.map((title, i) => `<option value="${i + 1}">${Bracketry.escape(title)}</option>`).join("");
      }
      select.value = String(round);
      const page = await read(`round=${round}&limit=${PAGE}&offset=${view.offset}`);
      if (ticket !== view.loads) return; // a later load is under way
      // A later stage's sessions of this round come after this stage's (bracket order).
      const items = page.items.filter((s) => view.stage === null || s.stage === view.stage);
      const body = container.querySelector("tbody");
      body.innerHTML = items.length
        ? items
            .map((s) => {
              const onPath = view.path && (s.participants || []).some((p) => p && String(p.player_id) === view.path);
              // A session the manage page may record or correct is a button naming its players.
              const pick = view.pickable && view.pickable(s);
              const who = (s.participants || []).map((p) => (p ? p.name : "to be decided")).join(" vs ");
              const verb = s.status === "completed" ? "Correct" : "Record";
              const action = pick
                ? `<button type="button" class="pick-row" data-session-id="${s.id}" aria-label="${Bracketry.escape(`${verb} the result of ${roundName(round)}, board ${board(s)}: ${who}`)}">${verb}</button>`
                : "";
              return (
                `<tr class="${s.status}${onPath ? " on-path" : ""}" data-session-id="${s.id}">` +
                `<td class="num">${Bracketry.escape(board(s))}</td><td>${names(s)}</td>` +
                `<td class="num">${Bracketry.escape(outcome(s.result))}</td><td>${s.status}${action ? " " + action : ""}</td></tr>`
              );
            })
            .join("")
        : '<tr><td colspan="4">No sessions in this round.</td></tr>';
      const otherStage = items.length < page.items.length; // this stage's last page
      const first = items.length ? view.offset + 1 : 0;
      container.querySelector('[data-testid="round-caption"]').textContent =
        `${view.rounds} rounds · matches ${first}–${view.offset + items.length}` + (view.stage === null ? ` of ${page.total}` : "");
      earlier.hidden = view.offset === 0;
      later.hidden = page.next_offset === null || otherStage;
    }

    // stage: only this stage's sessions (null: all); rounds: the last round; labels: the
    // rounds' names; current: the round shown until one is picked; path: a player id to
    // highlight.
    function update({ stage, rounds, labels = [], current, path, pickable = null }) {
      if (current !== view.current && !view.pinned) view.offset = 0;
      Object.assign(view, { stage, rounds, labels, current, path, pickable });
      return load();
    }

    return { update };
  }

  return { create };
})();
