"use strict";
// A message a page leaves for the next one it opens (e.g. "The tournament … was deleted."),
// shown once at the top of that page.
(() => {
  const KEY = "bracketry-flash";
  const text = sessionStorage.getItem(KEY);
  if (!text) return;
  sessionStorage.removeItem(KEY);
  const line = document.createElement("p");
  line.className = "card ok flash";
  line.setAttribute("role", "status");
  line.dataset.testid = "flash";
  line.textContent = text;
  document.querySelector("main").prepend(line);
})();
