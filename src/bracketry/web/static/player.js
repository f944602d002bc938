"use strict";
// A player's matches, as the API's /players/{id}/matches gives them: one card per match
// (tournament, round, opponent, time and place, result) and, for the signed-in player's own
// match, the report controls (report a result; the opponent confirms or disputes it). The API
// decides who may do what: a refusal is shown in its own plain words. Used by the player's
// page (and /me) and by the public page of a tournament (see public.js).
const PlayerMatches = (() => {
  const ROLE = "bracketry-role"; // kept by common.js at sign-in
  const OUTCOMES = { forfeit: "by forfeit", double_forfeit: "both players forfeited", bye: "a bye" };

  // The player id of the signed-in player account, or null (nobody, or not a player).
  async function me() {
    if (!Bracketry.token() || localStorage.getItem(ROLE) !== "player") return null;
    try {
      const account = await Bracketry.api("GET", "/auth/me", undefined, { auth: true });
      return account.player_id || null;
    } catch (_) {
      return null;
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The venue's own wall-clock time of an ISO time with its offset, e.g. "Wed 9 Dec, 09:00".
  function when(iso) {
    const [date, time] = iso.split("T");
    const [y, m, d] = date.split("-").map(Number);
    const [hh, mm] = time.split(":").map(Number);
    return new Date(Date.UTC(y, m - 1, d, hh, mm)).toLocaleString("en-GB", {
      timeZone: "UTC", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
  }

  function place(slot) {
    return slot ? `${when(slot.starts_at)} · ${slot.venue}, field ${slot.field}` : "Not scheduled yet";
  }

  function opponents(item) {
    const names = item.opponents.map((p) => p.name);
    if (item.session.side === "heat") return names.length ? `Heat with ${names.join(", ")}` : "Heat";
    return names.length ? `Against ${names.join(" and ")}` : "Opponent still to be decided";
  }

  function players(session) {
    return (session.participants || []).filter(Boolean);
  }

  // "ann 3 – 1 ben", or the winner's name when no score was given.
  function scoreLine(session, what) {
    const [a, b] = session.participants || [];
    if (what.score_a !== null && what.score_b !== null && a && b) return `${a.name} ${what.score_a} – ${what.score_b} ${b.name}`;
    if (what.outcome === "draw") return "a draw";
    const winner = players(session).find((p) => p.player_id === what.winner_id);
    return winner ? `${winner.name} won ${OUTCOMES[what.outcome] || ""}`.trim() : what.outcome.replace(/_/g, " ");
  }

  function resultLine(item, player) {
    const session = item.session;
    const result = session.result;
    if (result.outcome === "bye") return "Went through with a bye";
    if (result.outcome === "placed") {
      const entry = (session.entries || []).find((e) => e.player_id === player);
      return entry && entry.place ? `Placed ${entry.place}` : "Placed";
    }
    const won = result.winner_id === player ? "Won" : result.winner_id ? "Lost" : result.outcome === "draw" ? "Draw" : "No winner";
    const [a, b] = session.participants || [];
    let score = "";
    if (result.score_a !== null && result.score_b !== null && a && b) {
      score = a.player_id === player ? ` ${result.score_a}–${result.score_b}` : ` ${result.score_b}–${result.score_a}`;
    }
    const how = OUTCOMES[result.outcome] ? ` (${OUTCOMES[result.outcome]})` : "";
    return `${won}${score}${how}`;
  }

  function problem(box, error) {
    box.querySelector(".error").textContent = Bracketry.plain(error.message);
  }

  async function send(box, path, body, done) {
    const buttons = box.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
    try {
      await Bracketry.api("POST", path, body);
      done();
    } catch (error) {
      problem(box, error);
      for (const button of buttons) button.disabled = false;
    }
  }

  // The report form: a score per player, labelled with their names.
  function reportForm(item, base, done) {
    const form = el("form", "report-form");
    const fields = el("div", "scores");
    players(item.session).forEach((p, index) => {
      const label = el("label", "", p.name);
      const input = el("input");
      Object.assign(input, { type: "number", min: "0", max: "1000000", step: "1", required: true, name: index ? "score_b" : "score_a" });
      input.inputMode = "numeric";
      label.append(input);
      fields.append(label);
    });
    const button = el("button", "", "Report result");
    button.type = "submit";
    form.append(el("p", "hint", "Your opponent confirms the result, then it counts."), fields, button, el("p", "error"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { score_a: Number(form.elements.score_a.value), score_b: Number(form.elements.score_b.value) };
      send(form, `${base}/report`, body, done);
    });
    return form;
  }

  // The opponent's answer to a pending report: confirm it, or dispute it with a reason.
  function answerForm(item, base, done) {
    const box = el("div", "report-answer");
    const confirm = el("button", "", "Confirm");
    const dispute = el("button", "quiet", "Dispute");
    const why = el("form", "dispute-form");
    why.hidden = true;
    const label = el("label", "", "What is wrong with it?");
    const reason = el("input");
    Object.assign(reason, { name: "reason", required: true, maxLength: 500 });
    label.append(reason);
    const sendDispute = el("button", "danger", "Send the dispute");
    sendDispute.type = "submit";
    why.append(label, sendDispute);
    const actions = el("div", "actions");
    confirm.type = dispute.type = "button";
    actions.append(confirm, dispute);
    box.append(actions, why, el("p", "error"));
    confirm.addEventListener("click", () => send(box, `${base}/report/confirm`, undefined, done));
    dispute.addEventListener("click", () => {
      why.hidden = false;
      reason.focus();
    });
    why.addEventListener("submit", (event) => {
      event.preventDefault();
      send(box, `${base}/report/dispute`, { reason: reason.value.trim() }, done);
    });
    return box;
  }

  // What the signed-in player can do about their own upcoming match.
  function controls(item, player, done) {
    const session = item.session;
    const base = `/tournaments/${item.tournament_id}/sessions/${session.id}`;
    const report = session.report;
    const box = el("div", "report-box");
    const opponent = item.opponents.map((p) => p.name).join(" and ");
    if (report && report.state === "pending" && report.reporter_id === player) {
      box.append(el("p", "report-state", `You reported ${scoreLine(session, report)}; waiting for ${opponent} to confirm.`));
    } else if (report && report.state === "pending") {
      const who = players(session).find((p) => p.player_id === report.reporter_id);
      box.append(el("p", "report-state", `${who ? who.name : "Your opponent"} reported ${scoreLine(session, report)}.`));
      box.append(answerForm(item, base, done));
    } else if (report && report.state === "disputed") {
      box.append(el("p", "report-state", `Disputed (${report.reason}): the organizer will record the result.`));
    } else if (session.status === "ready" && session.side !== "heat") {
      box.append(reportForm(item, base, done));
    } else {
      return null;
    }
    return box;
  }

  // One match as a list item; `player` is whose page it is, `mine` whether the viewer is them.
  function card(item, player, { mine = false, tournament = true, done = () => {} } = {}) {
    const li = el("li", `pm ${item.upcoming ? "upcoming" : "played"}`);
    li.dataset.sessionId = item.session.id;
    const head = el("p", "pm-head");
    if (tournament) {
      const link = el("a", "", item.tournament);
      link.href = `/t/${item.tournament_id}`;
      head.append(link, " · ");
    }
    head.append(item.round_name);
    li.append(head, el("p", "pm-who", opponents(item)));
    if (item.upcoming || item.slot) li.append(el("p", "pm-when", place(item.slot)));
    if (!item.upcoming) li.append(el("p", "pm-result", resultLine(item, player)));
    if (mine && item.upcoming) {
      const box = controls(item, player, done);
      if (box) li.append(box);
    }
    return li;
  }

  // The player's page (/players/{id}) and /me, which sends a signed-in player to their page.
  function page(root) {
    const player = Number(root.dataset.playerId) || null;
    const state = { offset: 0, mine: false, loads: 0 };
    const $ = (id) => document.getElementById(id);

    async function meOrSignIn() {
      const said = $("me-state");
      const found = await me();
      if (found) {
        location.replace(`/players/${found}`);
        return;
      }
      const role = Bracketry.token() ? localStorage.getItem(ROLE) : null;
      said.textContent = role && role !== "player"
        ? `You are signed in with an account that plays no matches (${role}). Sign in above with your player account.`
        : "Sign in above with your player account to see your matches and report their results.";
    }

    async function load(more = false) {
      const loads = ++state.loads;
      const offset = more ? state.offset : 0;
      let page;
      try {
        page = await Bracketry.api("GET", `/players/${player}/matches?limit=50&offset=${offset}`);
      } catch (error) {
        $("matches-error").textContent = Bracketry.plain(error.message);
        return;
      }
      if (loads !== state.loads) return;
      if (!more) {
        $("upcoming").replaceChildren();
        $("played").replaceChildren();
      }
      for (const item of page.items) {
        const list = item.upcoming ? $("upcoming") : $("played");
        list.append(card(item, player, { mine: state.mine, done: () => load() }));
      }
      $("upcoming-empty").hidden = $("upcoming").children.length > 0;
      $("played-empty").hidden = $("played").children.length > 0;
      state.offset = page.next_offset || 0;
      $("more").hidden = page.next_offset === null;
    }

    async function start() {
      if (!player) return meOrSignIn();
      state.mine = (await me()) === player;
      $("mine-note").hidden = !state.mine;
      await load();
    }

    if (player) $("more").addEventListener("click", () => load(true));
    document.addEventListener("bracketry:account", start);
    start();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("player-page");
    if (root) page(root);
  });

  return { me, card };
})();
