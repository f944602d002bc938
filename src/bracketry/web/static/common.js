"use strict";
// Shared by every page: the bearer token (admin token, API key or access token; kept in this
// browser only, sent as a header, never as a cookie) and a small API client.
const Bracketry = (() => {
  const KEY = "bracketry-admin-token";

  function token() {
    return localStorage.getItem(KEY) || "";
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && token()) headers.Authorization = "Bearer " + token();
    const response = await fetch("/api/v1" + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const message = data && typeof data.detail === "string" ? data.detail : `${response.status} ${response.statusText}`;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function showTokenState() {
    const state = document.getElementById("token-state");
    if (state) state.textContent = token() ? "token saved" : "no token: actions will be refused";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("token-form");
    if (!form) return;
    const input = document.getElementById("admin-token");
    input.value = token();
    showTokenState();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      localStorage.setItem(KEY, input.value.trim());
      showTokenState();
    });
  });

  return { api, escape, token };
})();
