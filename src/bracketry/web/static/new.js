"use strict";
// The new-tournament form: the chosen format's options, one POST /tournaments, the API's
// refusals shown next to the field they name, then the manage page.
(() => {
  const form = document.getElementById("new-form");
  const signin = document.getElementById("new-signin");
  const error = document.getElementById("new-error");
  const sets = [...form.querySelectorAll("fieldset[data-format]")];

  function showAccess() {
    const may = Bracketry.mayCreate();
    signin.hidden = may;
    form.hidden = !may;
  }
  document.addEventListener("bracketry:account", showAccess);
  showAccess();

  function chosen() {
    return sets.find((set) => set.dataset.format === form.elements.format.value);
  }

  // Only the chosen format's options are in the page; the others wait outside it.
  const holder = document.getElementById("format-options");
  const capacity = form.elements.max_players;
  const capacityMax = JSON.parse(capacity.dataset.maxByFormat);
  function showOptions() {
    holder.replaceChildren(chosen());
    capacity.max = capacityMax[form.elements.format.value];
  }
  form.elements.format.addEventListener("change", showOptions);
  showOptions();

  // Option names in the API's words become the form's labels.
  function labels() {
    const names = { name: "Tournament name", format: "Format", max_players: "Maximum players" };
    for (const input of chosen().querySelectorAll("[data-option]")) {
      const label = input.closest("label");
      names[input.dataset.option] = label.firstChild.textContent.trim() || input.dataset.option;
    }
    return names;
  }

  function plain(message, names) {
    let text = message.replace(/^Value error, /, "");
    text = text.replace(/\b([a-z_]+)=/g, (all, name) => (names[name] ? `${names[name]} ` : all));
    for (const [name, label] of Object.entries(names)) {
      if (name.includes("_")) text = text.split(name).join(label.toLowerCase());
    }
    text = text.replace(/^Input should be/, "It should be").replace(/^String should have at least 1 character/, "This cannot be empty");
    return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
  }

  function clearErrors() {
    error.textContent = "";
    for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  }

  function body() {
    const config = {};
    if (capacity.value.trim() !== "") config.max_players = Number(capacity.value);
    for (const input of chosen().querySelectorAll("[data-option]")) {
      const name = input.dataset.option;
      if (input.type === "checkbox") config[name] = input.checked;
      else if (input.type === "number") {
        if (input.value.trim() === "") {
          if (input.dataset.optional) continue;
          config[name] = null;
        } else config[name] = Number(input.value);
      } else config[name] = input.value;
    }
    return { name: form.elements.name.value.trim(), format: form.elements.format.value, config };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const made = await Bracketry.api("POST", "/tournaments", body());
      window.location.assign(`/tournaments/${made.id}/manage`);
    } catch (failure) {
      button.disabled = false;
      const names = labels();
      const problems = failure.problems.length ? failure.problems : [{ field: failure.field, message: failure.message }];
      for (const problem of problems) {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(problem.field || "")}"]`);
        const text = plain(problem.message, names);
        if (slot && !slot.textContent) slot.textContent = text;
        else if (!slot) error.textContent = error.textContent || text;
      }
      if (failure.status === 401 || failure.status === 403) error.textContent = "Only an organizer or an admin may create a tournament: sign in above.";
    }
  });
})();
