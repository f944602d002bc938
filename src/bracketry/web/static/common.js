"use strict";
// Shared by every page: the bearer token (admin token, API key, or the access token of a
// password sign-in with its refresh token; kept in this browser only, sent as a header, never
// as a cookie) and a small API client.
const Bracketry = (() => {
  const KEY = "bracketry-admin-token";
  const REFRESH = "bracketry-refresh-token";
  const ACCOUNT = "bracketry-account";
  const ROLE = "bracketry-role";

  function token() {
    return localStorage.getItem(KEY) || "";
  }

  function keepPair(pair, username) {
    localStorage.setItem(KEY, pair.access_token);
    localStorage.setItem(REFRESH, pair.refresh_token);
    if (username) localStorage.setItem(ACCOUNT, username);
  }

  function forget() {
    for (const key of [KEY, REFRESH, ACCOUNT, ROLE]) localStorage.removeItem(key);
  }

  async function read(response) {
    try {
      return await response.json();
    } catch (_) {
      return null;
    }
  }

  // An expired access token is renewed once with the refresh token, then the call retried.
  async function renewed() {
    const refresh = localStorage.getItem(REFRESH);
    if (!refresh) return false;
    const response = await fetch("/api/v1/auth/refresh", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    });
    if (!response.ok) return false;
    keepPair(await response.json());
    return true;
  }

  // Reads go without the token unless `auth` asks for it (a read only some callers may make).
  async function api(method, path, body, { retried = false, auth = false } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if ((method !== "GET" || auth) && token()) headers.Authorization = "Bearer " + token();
    const response = await fetch("/api/v1" + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await read(response);
    if (response.status === 401 && (method !== "GET" || auth) && !retried && (await renewed())) {
      return api(method, path, body, { retried: true, auth });
    }
    if (!response.ok) {
      const message = data && typeof data.detail === "string" ? data.detail : `${response.status} ${response.statusText}`;
      const error = new Error(message);
      error.status = response.status;
      error.field = data && data.field;
      error.problems = (data && data.errors) || [];
      throw error;
    }
    return data;
  }

  // An API message in plain words: status names (e.g. ENROLLMENT_OPEN) become the page's words.
  function plain(message, words = {}) {
    let text = String(message);
    for (const [name, said] of Object.entries(words)) text = text.split(name).join(`“${said.toLowerCase()}”`);
    text = text.replace(/^Value error, /, "").replace(/^Input should be/, "It should be");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function showTokenState() {
    const state = document.getElementById("token-state");
    if (state) state.textContent = token() ? "token saved" : "no token: actions will be refused";
  }

  // Signed in, the header says who and offers Sign out; the fields that sign in and the
  // token field come back once signed out.
  function showAccount() {
    const account = localStorage.getItem(ACCOUNT);
    const signedIn = Boolean(account && localStorage.getItem(REFRESH));
    document.getElementById("signin-state").textContent = signedIn ? `signed in as ${account}` : "";
    document.getElementById("signout").hidden = !signedIn;
    const form = document.getElementById("signin-form");
    for (const part of form.querySelectorAll("label, input, button[type=submit]")) part.hidden = signedIn;
    document.getElementById("token-form").hidden = signedIn;
  }

  async function signIn(form) {
    const state = document.getElementById("signin-state");
    const username = form.elements.username.value.trim();
    const response = await fetch("/api/v1/auth/token", {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams({ username, password: form.elements.password.value }),
    });
    const data = await read(response);
    form.elements.password.value = "";
    if (!response.ok) {
      state.textContent = data && typeof data.detail === "string" ? data.detail : `sign-in failed (${response.status})`;
      return;
    }
    keepPair(data, username);
    document.getElementById("admin-token").value = "";
    try {
      const me = await api("GET", "/auth/me", undefined, { auth: true });
      localStorage.setItem(ROLE, me.role);
    } catch (_) {
      localStorage.removeItem(ROLE);
    }
    showTokenState();
    showAccount();
  }

  // Whether this browser holds a token that may create tournaments: a signed-in organizer or
  // admin, or a pasted token (the API decides what it may do).
  function mayCreate() {
    if (!token()) return false;
    if (!localStorage.getItem(REFRESH)) return true;
    return ["admin", "organizer"].includes(localStorage.getItem(ROLE));
  }

  function changed() {
    document.dispatchEvent(new CustomEvent("bracketry:account"));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("token-form");
    if (!form) return;
    const input = document.getElementById("admin-token");
    input.value = localStorage.getItem(REFRESH) ? "" : token();
    showTokenState();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      forget();
      localStorage.setItem(KEY, input.value.trim());
      showTokenState();
      showAccount();
      changed();
    });
    const signin = document.getElementById("signin-form");
    showAccount();
    signin.addEventListener("submit", (event) => {
      event.preventDefault();
      signIn(signin).then(changed);
    });
    document.getElementById("signout").addEventListener("click", async () => {
      const refresh = localStorage.getItem(REFRESH);
      forget();
      showTokenState();
      showAccount();
      changed();
      if (refresh) {
        // End the sign-in on the server too, so a copy of the refresh token renews nothing.
        await fetch("/api/v1/auth/sign-out", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: refresh }),
        });
      }
    });
  });

  return { api, escape, plain, token, mayCreate };
})();
