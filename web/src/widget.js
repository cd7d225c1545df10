// The Trust Coach chat widget: one <script> tag puts a chat bubble on any page.
//
//   <script src=".../trust-coach.js" data-server="https://coach.example.org" defer></script>
//
// Settings (attributes of that script tag):
//   data-server       the Rasa server (default: where this script came from)
//   data-socket-path  its socket.io path (default /socket.io/)
//   data-exit-url     where Quick exit goes (default https://www.google.com/)
//   data-open         "true" opens the chat when the page loads
//
// It speaks Rasa's socket.io protocol (session_request / session_confirm, user_uttered /
// bot_uttered) with session persistence, plus the two events of channels/socketio.py:
// conversation_history and forget_conversation. The server issues the conversation id with a token
// (session_confirm: {session_id, token}); both are kept here and sent back to resume it.
// Everything is rendered as text, never as HTML.

import { io } from "socket.io-client";
import css from "./widget.css";
import { WORDING } from "./wording.js";

const STORAGE_KEY = "trust-coach.session";
// The token the server signed for that conversation: without it, the id alone opens nothing.
const TOKEN_KEY = "trust-coach.token";
const OPEN_KEY = "trust-coach.open";
const DOUBLE_ESCAPE_MS = 1000;
// The custom payload with which the assistant says it deleted the conversation when asked in the
// chat (actions/privacy.py); the browser then forgets it too.
const DELETED = "conversation_deleted";

const script = document.currentScript;
const settings = {
  server: script?.dataset.server || (script?.src ? new URL(script.src).origin : window.location.origin),
  socketPath: script?.dataset.socketPath || "/socket.io/",
  exitUrl: script?.dataset.exitUrl || "https://www.google.com/",
  openAtStart: script?.dataset.open === "true",
};

// --- Small helpers -----------------------------------------------------------------------------

// Builds an element; strings become text nodes, so nothing is ever parsed as HTML.
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else if (value !== false && value != null) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child == null) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// Browser storage can be switched off; the chat then lasts as long as the page.
const storage = {
  get(store, key) {
    try { return window[store].getItem(key); } catch { return null; }
  },
  set(store, key, value) {
    try { window[store].setItem(key, value); } catch { /* storage is off */ }
  },
  remove(store, key) {
    try { window[store].removeItem(key); } catch { /* storage is off */ }
  },
};

function newMessageId() {
  return window.crypto?.randomUUID ? window.crypto.randomUUID().replace(/-/g, "")
    : `${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
}

// A file name we are willing to save: plain characters, ending in .txt.
function safeFilename(name) {
  const cleaned = String(name || "trust-coach.txt").replace(/[^\w.-]+/g, "-").replace(/^[.-]+/, "");
  return /\.txt$/i.test(cleaned) ? cleaned : `${cleaned || "trust-coach"}.txt`;
}

function saveTextFile(filename, text) {
  const url = URL.createObjectURL(new Blob([String(text)], { type: "text/plain;charset=utf-8" }));
  const link = el("a", { href: url, download: safeFilename(filename) });
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- The widget --------------------------------------------------------------------------------

class ChatWidget {
  constructor() {
    this.sessionId = storage.get("localStorage", STORAGE_KEY);
    this.token = storage.get("localStorage", TOKEN_KEY);
    this.socket = null;
    this.ready = false; // connected, and the server has sent the conversation so far
    this.outbox = []; // messages not yet acknowledged by the server: {id, text, item}
    this.lastEscape = 0;
    this.build();
    window.addEventListener("keydown", (event) => this.onKeydown(event), true);
    if (settings.openAtStart || storage.get("sessionStorage", OPEN_KEY) === "true") this.open();
  }

  build() {
    this.host = el("div", { id: "trust-coach-widget" });
    const root = this.host.attachShadow({ mode: "open" });
    root.append(el("style", {}, css));

    this.launcher = el("button", {
      class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "tc-panel",
      onclick: () => this.open(),
    }, WORDING.launcher);

    this.notice = el("p", { class: "notice", role: "status", hidden: true });
    // The messages are a list inside the live region, not the region itself: role="log" on the <ol>
    // would take away its list role and leave the <li> items orphaned. The region scrolls, so it
    // takes keyboard focus (tabindex) for the arrow keys to scroll it.
    this.messages = el("ol", { class: "messages" });
    this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": WORDING.log,
      tabindex: "0" }, this.messages);
    this.typing = el("p", { class: "typing", hidden: true }, el("span", { class: "dots", "aria-hidden": "true" }),
      WORDING.typing);
    this.replies = el("div", { class: "replies", role: "group", "aria-label": WORDING.suggestions });
    this.input = el("textarea", {
      id: "tc-input", rows: "2", placeholder: WORDING.inputPlaceholder, autocomplete: "off",
      onkeydown: (event) => {
        // Enter sends, Shift+Enter starts a new line.
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.submit(); }
      },
    });
    const form = el("form", { class: "composer", onsubmit: (event) => { event.preventDefault(); this.submit(); } },
      el("label", { for: "tc-input", class: "visually-hidden" }, WORDING.inputLabel),
      this.input,
      el("button", { type: "submit", class: "send" }, WORDING.send));

    this.confirm = el("div", { class: "confirm", role: "alertdialog", "aria-modal": "false",
      "aria-labelledby": "tc-confirm-text", hidden: true },
    el("p", { id: "tc-confirm-text" }, WORDING.confirmDelete),
    el("div", { class: "confirm-actions" },
      el("button", { type: "button", class: "danger", onclick: () => this.forget() }, WORDING.confirmDeleteYes),
      el("button", { type: "button", class: "secondary", onclick: () => this.closeConfirm() },
        WORDING.confirmDeleteNo)));

    this.panel = el("section", { id: "tc-panel", class: "panel", "aria-labelledby": "tc-title", hidden: true },
      el("header", {},
        el("div", { class: "heading" },
          el("h2", { id: "tc-title" }, WORDING.title),
          el("p", { class: "subtitle" }, WORDING.subtitle)),
        el("button", { type: "button", class: "exit", title: WORDING.quickExitHint,
          "aria-describedby": "tc-exit-hint", onclick: () => this.quickExit() }, WORDING.quickExit),
        el("span", { id: "tc-exit-hint", class: "visually-hidden" }, WORDING.quickExitHint),
        el("button", { type: "button", class: "close", "aria-label": WORDING.close,
          onclick: () => this.close() }, "×")),
      this.notice, this.log, this.typing, this.replies, form,
      el("footer", {},
        el("button", { type: "button", class: "link", onclick: () => this.startOver() }, WORDING.startOver),
        el("button", { type: "button", class: "link", onclick: () => this.askToForget() },
          WORDING.deleteConversation)),
      this.confirm);

    root.append(el("div", { class: "widget" }, this.launcher, this.panel));
    document.body.append(this.host);
  }

  // --- Opening and closing ---

  open() {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    storage.set("sessionStorage", OPEN_KEY, "true");
    if (!this.socket) this.connect();
    this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    storage.remove("sessionStorage", OPEN_KEY);
    this.launcher.focus();
  }

  // Hides everything at once, then leaves for a neutral site without a way "back" to this page.
  quickExit() {
    this.host.style.display = "none";
    storage.remove("sessionStorage", OPEN_KEY);
    if (this.socket) this.socket.disconnect();
    window.location.replace(settings.exitUrl);
  }

  onKeydown(event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - this.lastEscape < DOUBLE_ESCAPE_MS) this.quickExit();
    this.lastEscape = now;
  }

  // --- The connection ---

  connect() {
    this.showNotice(WORDING.connecting);
    this.socket = io(settings.server, { path: settings.socketPath });
    this.socket.on("connect", () => {
      this.socket.emit("session_request", { session_id: this.sessionId, token: this.token });
    });
    this.socket.on("session_confirm", (session) => {
      this.sessionId = session.session_id;
      this.token = session.token;
      storage.set("localStorage", STORAGE_KEY, this.sessionId);
      storage.set("localStorage", TOKEN_KEY, this.token);
    });
    this.socket.on("conversation_history", (messages) => this.restore(messages));
    this.socket.on("bot_uttered", (message) => this.receive(message));
    this.socket.on("disconnect", () => this.lost());
    this.socket.on("connect_error", () => this.lost());
  }

  lost() {
    const wasReady = this.ready;
    this.ready = false;
    this.typing.hidden = true;
    // socket.io would replay what it buffered on reconnect, before the session is joined; the
    // outbox resends instead, once the server has said what it already has.
    this.socket.sendBuffer = [];
    for (const entry of this.outbox) entry.inFlight = false;
    if (wasReady || this.notice.hidden || this.notice.textContent === WORDING.connecting) {
      this.showNotice(WORDING.connectionLost);
    }
    for (const entry of this.outbox) this.markPending(entry);
  }

  // The conversation so far, from the server: it replaces what is shown, then anything still
  // unsent goes out (unless the server already has it: the answer to it was lost, not the message).
  restore(messages) {
    const reconnecting = !this.notice.hidden && this.notice.textContent === WORDING.connectionLost;
    this.log.setAttribute("aria-busy", "true");
    this.messages.replaceChildren();
    this.replies.replaceChildren();
    const known = new Set();
    let replies = [];
    for (const message of messages) {
      if (message.sender === "user") {
        known.add(message.message_id);
        this.addUserItem(message.text);
        replies = [];
      } else {
        this.addBotItem(message);
        if (message.quick_replies?.length) replies = message.quick_replies;
      }
    }
    this.showReplies(replies);
    this.outbox = this.outbox.filter((entry) => !known.has(entry.id));
    for (const entry of this.outbox) {
      if (entry.text != null) entry.item = this.addUserItem(entry.text);
    }
    this.log.setAttribute("aria-busy", "false");
    this.ready = true;
    if (reconnecting) this.showNotice(WORDING.reconnected, 3000);
    else if (this.notice.textContent === WORDING.connecting) this.hideNotice();
    this.flush();
    this.scrollDown();
  }

  flush() {
    if (!this.ready) return;
    for (const entry of this.outbox) {
      if (entry.inFlight) continue;
      entry.inFlight = true;
      this.typing.hidden = false;
      const payload = { message: entry.payload, session_id: this.sessionId, message_id: entry.id };
      this.socket.emit("user_uttered", payload, () => this.delivered(entry));
      this.markSent(entry);
    }
    this.scrollDown();
  }

  delivered(entry) {
    this.outbox = this.outbox.filter((other) => other !== entry);
    if (!this.outbox.length) this.typing.hidden = true;
  }

  // --- Sending ---

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.send(text, text);
  }

  // `shown` is what the person sees they said (a button's title); null shows nothing.
  send(payload, shown) {
    const entry = { id: newMessageId(), payload, text: shown, inFlight: false, item: null };
    this.replies.replaceChildren();
    if (shown != null) entry.item = this.addUserItem(shown);
    this.outbox.push(entry);
    if (this.ready) this.flush();
    else this.markPending(entry);
    this.scrollDown();
  }

  markPending(entry) {
    if (!entry.item || entry.item.querySelector(".pending")) return;
    entry.item.append(el("span", { class: "pending" }, WORDING.notSentYet));
  }

  markSent(entry) {
    entry.item?.querySelector(".pending")?.remove();
  }

  // A new conversation under a new id and token: the old one can no longer be opened from this
  // browser (nor by anyone: its token is gone), and what it kept is removed with the retention purge.
  startOver() {
    this.closeConfirm();
    this.startAfresh(WORDING.startedOver);
    this.input.focus();
  }

  askToForget() {
    this.confirm.hidden = false;
    this.confirm.querySelector(".secondary").focus();
  }

  closeConfirm() {
    if (this.confirm.hidden) return;
    this.confirm.hidden = true;
    this.input.focus();
  }

  forget() {
    if (!this.ready || !this.sessionId) {
      this.closeConfirm();
      this.showNotice(WORDING.deleteFailed);
      return;
    }
    this.socket.emit("forget_conversation", { session_id: this.sessionId }, (answer) => {
      this.closeConfirm();
      if (!answer || !answer.forgotten) { this.showNotice(WORDING.deleteFailed); return; }
      this.startAfresh();
    });
  }

  // A new conversation under a new id: after Delete (the old one is gone from the server) and after
  // Start over, the old id and token go from this browser too.
  startAfresh(notice = WORDING.deleted) {
    storage.remove("localStorage", STORAGE_KEY);
    storage.remove("localStorage", TOKEN_KEY);
    this.sessionId = null;
    this.token = null;
    this.outbox = [];
    this.typing.hidden = true;
    this.messages.replaceChildren();
    this.replies.replaceChildren();
    this.showNotice(notice, 5000);
    this.ready = false;
    this.socket?.emit("session_request", { session_id: null, token: null });
  }

  // --- Receiving ---

  // The suggested replies stay until the person answers, even if more messages follow them.
  receive(message) {
    if (message.custom && message.custom[DELETED]) {
      this.startAfresh();
      return;
    }
    this.addBotItem(message);
    if (message.quick_replies?.length) this.showReplies(message.quick_replies);
    this.scrollDown();
  }

  addUserItem(text) {
    const item = el("li", { class: "message user" }, el("span", { class: "visually-hidden" }, WORDING.youSaid),
      el("span", { class: "text" }, text));
    this.messages.append(item);
    return item;
  }

  addBotItem(message) {
    const download = message.custom && message.custom.download;
    if (message.text == null && !download) return;
    const item = el("li", { class: "message bot" }, el("span", { class: "visually-hidden" }, WORDING.coachSaid));
    if (message.text != null) item.append(el("span", { class: "text" }, String(message.text)));
    if (download) {
      item.append(el("pre", { class: "document" }, String(download.text ?? "")));
      item.append(el("button", {
        type: "button", class: "download",
        onclick: () => saveTextFile(download.filename, download.text ?? ""),
      }, String(download.label || WORDING.download)));
    }
    this.messages.append(item);
  }

  showReplies(quickReplies) {
    this.replies.replaceChildren();
    for (const reply of quickReplies || []) {
      this.replies.append(el("button", {
        type: "button", class: "reply", onclick: () => this.send(reply.payload, reply.title),
      }, String(reply.title)));
    }
  }

  // --- Notices ---

  showNotice(text, hideAfterMs) {
    clearTimeout(this.noticeTimer);
    this.notice.textContent = text;
    this.notice.hidden = false;
    if (hideAfterMs) this.noticeTimer = setTimeout(() => this.hideNotice(), hideAfterMs);
  }

  hideNotice() {
    clearTimeout(this.noticeTimer);
    this.notice.hidden = true;
    this.notice.textContent = "";
  }

  scrollDown() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

function start() {
  if (document.getElementById("trust-coach-widget")) return; // the snippet was pasted twice
  // Also lets the host page open the chat from its own links: TrustCoach.open().
  window.TrustCoach = new ChatWidget();
}

if (document.body) start();
else document.addEventListener("DOMContentLoaded", start);
