"use strict";
// Players' own result reports: the open ones listed first (disputed, with the reason, then
// pending, with who reported what and who has to answer), then how many were confirmed by
// the opponent or resolved by the organiser; hidden while the tournament has none. Every
// drawn session with an open report (a bracket box, a rounds row, a timeline box: whatever
// carries data-session-id) is marked "reported" or "disputed", and marked again whenever
// those views redraw.
const ReportsView = (() => {
  const SHOWN = 25; // open reports listed; the others are counted
  const OPEN_LIMIT = 1000; // open reports read for the marks (the API's largest page)
  const STATES = ["disputed", "pending", "confirmed", "resolved"];
  const MARKS = { pending: "reported", disputed: "disputed" }; // the open states' classes
  const SVG = "http://www.w3.org/2000/svg";
  const EMPTY = { items: [], total: 0 };

  function score(r) {
    return r.score_a === null || r.score_b === null ? "" : `${r.score_a}–${r.score_b}`;
  }

  // What the reporter claims: "3–1", "Ann won", "a draw 2–2", "a forfeit win for Ann", …
  function claim(r, name) {
    const s = score(r);
    if (r.outcome === "draw") return s ? `a draw ${s}` : "a draw";
    if (r.outcome === "double_forfeit") return "a double forfeit";
    const winner = r.winner_id === null ? "" : name(r.winner_id);
    if (r.outcome === "forfeit") return winner ? `a forfeit win for ${winner}` : "a forfeit";
    return s || (winner ? `${winner} won` : "a win");
  }

  // One open report: "R1 #2 Ann – Ben: Ann reported 3–1 · waiting for Ben", or disputed.
  function item(r, session, label) {
    const people = (session.participants || []).filter(Boolean);
    const name = (id) => (people.find((p) => p.player_id === id) || { name: `player ${id}` }).name;
    const others = people.filter((p) => p.player_id !== r.reporter_id).map((p) => p.name).join(" and ") || "the opponent";
    const match = `${label(session)} · ${people.map((p) => p.name).join(" – ")}`;
    const said = `${name(r.reporter_id)} reported ${claim(r, name)}`;
    const answer =
      r.state === "disputed"
        ? `<strong class="report-state">disputed by ${Bracketry.escape(others)}</strong>` +
          (r.reason ? `: <q class="report-reason" data-testid="report-reason-${r.session_id}">${Bracketry.escape(r.reason)}</q>` : "")
        : `<span class="report-state">waiting for ${Bracketry.escape(others)}</span>`;
    return (
      `<li class="report ${MARKS[r.state]}" data-testid="report-${r.session_id}" data-state="${r.state}">` +
      `<span class="report-match">${Bracketry.escape(match)}</span>: ${Bracketry.escape(said)} · ${answer}</li>`
    );
  }

  // A small badge on a marked element: a dot on a bracket box, a word in a row or a box.
  function badge(el, r) {
    const text = r.state === "disputed" ? "disputed" : "reported";
    const tip = r.state === "disputed" && r.reason ? `disputed: ${r.reason}` : `${text}, waiting for the opponent`;
    if (el instanceof SVGGElement) {
      const rect = el.querySelector("rect");
      if (!rect) return;
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("class", "report-badge");
      dot.setAttribute("cx", String(Number(rect.getAttribute("x")) + Number(rect.getAttribute("width"))));
      dot.setAttribute("cy", rect.getAttribute("y"));
      dot.setAttribute("r", "6");
      const title = document.createElementNS(SVG, "title");
      title.textContent = tip;
      dot.appendChild(title);
      el.appendChild(dot);
      return;
    }
    const tag = document.createElement("span");
    tag.className = "report-badge";
    tag.title = tip;
    tag.textContent = text;
    if (el.tagName === "TR" && el.lastElementChild) el.lastElementChild.append(" ", tag);
    else el.prepend(tag);
  }

  // A view in `section`; base: the tournament's API path; label: a session's short name
  // ("R1 #3"); drawn: the containers whose sessions are marked.
  function create(section, base, label, drawn) {
    const part = (testid) => section.querySelector(`[data-testid="${testid}"]`);
    const sessions = new Map(); // id → session: its round, number and players do not change
    let open = new Map(); // session id → its open report
    let loads = 0;

    // Marks the drawn sessions with an open report (and only those).
    function mark() {
      for (const container of drawn) {
        for (const el of container.querySelectorAll("[data-report]")) {
          el.classList.remove(...Object.values(MARKS));
          delete el.dataset.report;
        }
        for (const old of container.querySelectorAll(".report-badge")) old.remove();
        if (!open.size) continue;
        for (const el of container.querySelectorAll("[data-session-id]")) {
          const r = open.get(Number(el.dataset.sessionId));
          if (!r) continue;
          el.classList.add(MARKS[r.state]);
          el.dataset.report = r.state;
          badge(el, r);
        }
      }
      observer.takeRecords(); // its own changes need no marking again
    }
    const observer = new MutationObserver(mark);
    for (const container of drawn) observer.observe(container, { childList: true, subtree: true });

    async function details(ids) {
      const missing = ids.filter((id) => !sessions.has(id));
      const read = await Promise.all(missing.map((id) => Bracketry.api("GET", `${base}/sessions/${id}`)));
      for (const s of read) sessions.set(s.id, s);
    }

    // Reads the reports again (none without sessions), redraws the list and the marks.
    async function update(hasSessions) {
      const ticket = ++loads;
      const pages = hasSessions
        ? await Promise.all(STATES.map((s) => Bracketry.api("GET", `${base}/reports?state=${s}&limit=${MARKS[s] ? OPEN_LIMIT : 1}`)))
        : STATES.map(() => EMPTY);
      const [disputed, pending, confirmed, resolved] = pages;
      const listed = [...disputed.items, ...pending.items];
      const shown = listed.slice(0, SHOWN);
      await details(shown.map((r) => r.session_id));
      if (ticket !== loads) return; // a later load is under way
      const total = pages.reduce((sum, page) => sum + page.total, 0);
      section.dataset.total = total;
      section.hidden = !total;
      open = new Map(listed.map((r) => [r.session_id, r]));
      mark();
      if (!total) return;
      const counts = (pairs) =>
        pairs
          .filter(([n]) => n)
          .map(([n, text]) => `${n} ${text}`)
          .join(" · ");
      part("reports-summary").textContent =
        counts([
          [disputed.total, "disputed"],
          [pending.total, "waiting for the opponent"],
        ]) || "none open";
      part("reports-open").innerHTML = shown.map((r) => item(r, sessions.get(r.session_id), label)).join("");
      part("reports-open").hidden = !shown.length;
      const more = disputed.total + pending.total - shown.length;
      part("reports-more").textContent = more > 0 ? `and ${more} more open` : "";
      part("reports-more").hidden = more <= 0;
      const settled = counts([
        [confirmed.total, "confirmed"],
        [resolved.total, "resolved"],
      ]);
      part("reports-settled").textContent = `Settled: ${settled || "none yet"}`;
    }

    return { update };
  }

  return { create };
})();
