"use strict";
// The manage page's players: the enrolled list, adding one player or a pasted list. Shown to
// whoever the manage page found may manage the tournament (the "bracketry:manage" event).
(() => {
  const root = document.getElementById("monitor");
  const id = Number(root.dataset.tournamentId);
  const base = `/tournaments/${id}`;
  const words = JSON.parse(root.dataset.words);
  const byId = (name) => document.getElementById(name);
  const plain = (message) => Bracketry.plain(message, words);
  let enrolledFor = -1;

  // ---- players ---------------------------------------------------------------------------
  async function loadEnrolled() {
    const page = await Bracketry.api("GET", `${base}/enrollments?limit=500`);
    const body = root.querySelector('[data-testid="enrolled"] tbody');
    body.innerHTML = page.items.length
      ? page.items
          .map(
            (e) =>
              `<tr><td class="num">${e.seed ?? "–"}</td><td>${Bracketry.escape(e.name)}</td>` +
              `<td class="num">${e.rating === null ? "–" : Bracketry.escape(e.rating)}</td></tr>`,
          )
          .join("")
      : '<tr><td colspan="3">No players yet.</td></tr>';
    const more = byId("enrolled-more");
    more.hidden = page.total <= page.items.length;
    more.textContent = `The first ${page.items.length} of ${page.total} players are listed.`;
  }

  async function enroll(body, done) {
    const error = byId("enroll-error");
    const ok = byId("enroll-ok");
    error.textContent = ok.textContent = "";
    try {
      const outcome = await Bracketry.api("POST", `${base}/enrollments`, body);
      ok.textContent = outcome.enrolled === 1 ? "Player added." : `${outcome.enrolled} players added.`;
      done();
    } catch (failure) {
      const line = /^players\[(\d+)\]/.exec(failure.field || "");
      const problem = failure.problems.length ? failure.problems[0].message : failure.message;
      error.textContent = (line ? `Line ${Number(line[1]) + 1}: ` : "") + plain(problem);
    }
  }

  byId("add-player").addEventListener("submit", (event) => {
    event.preventDefault();
    const f = event.target;
    const body = { name: f.elements.name.value.trim() };
    if (f.elements.rating.value !== "") body.rating = Number(f.elements.rating.value);
    enroll(body, () => {
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
    if (!players.length) {
      byId("enroll-error").textContent = "Paste at least one name.";
      return;
    }
    enroll({ players }, () => f.reset());
  });

  root.addEventListener("bracketry:manage", (event) => {
    byId("player-forms").hidden = !event.detail.on;
  });
  root.addEventListener("bracketry:snapshot", (event) => {
    const s = event.detail;
    byId("enroll-note").textContent =
      s.status === "ENROLLMENT_OPEN" ? "Enrollment is open." : "Players can be added while enrollment is open.";
    if (s.enrolled_count !== enrolledFor) {
      enrolledFor = s.enrolled_count;
      loadEnrolled();
    }
  });
})();
