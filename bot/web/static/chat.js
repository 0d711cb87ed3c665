// The local chat page: speak as a made-up LINE resident, show what the bot sends as LINE would.
"use strict";

const TEXTS = JSON.parse(document.getElementById("texts").textContent);
const API = location.pathname.replace(/\/$/, "") + "/api";
const POLL_MS = 700;
const WAIT_MS = 15000; // a person who blocked the bot gets no answer: stop saying we wait

// `round` grows with each change of person, so a poll still in flight for the previous
// choice (even of the same person) is dropped instead of running a second poll loop.
const state = { user: null, after: 0, poll: null, lastRow: null, round: 0 };
const $ = (id) => document.getElementById(id);

function fill(template, fields) {
  return template.replace(/\{(\w+)\}/g, (_, name) => fields[name] ?? "");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

async function call(path, body) {
  const options = body ? { method: "POST", headers: { "Content-Type": "application/json" },
                           body: JSON.stringify(body) } : {};
  const response = await fetch(API + path, options);
  if (!response.ok) throw new Error(response.status);
  return response.json();
}

// -- people ------------------------------------------------------------------------------

async function loadResidents(selected) {
  const people = await call("/residents");
  const select = $("speaker");
  select.replaceChildren(...people.map((person) => {
    const option = element("option", null, fill(TEXTS.person, {
      name: person.name, district: person.district || TEXTS.no_district,
      language: languageName(person.language) }));
    option.value = person.user_id;
    return option;
  }));
  const wanted = selected || localStorage.getItem("kyojo.user");
  if (people.some((person) => person.user_id === wanted)) select.value = wanted;
  choose(select.value || null);
}

function languageName(code) {
  const option = document.querySelector(`#resident-language option[value="${code}"]`);
  return option ? option.textContent : code;
}

function choose(user) {
  state.user = user;
  state.round += 1;
  state.after = 0;
  state.lastRow = null;
  if (user) localStorage.setItem("kyojo.user", user);
  $("log").replaceChildren();
  $("quick").replaceChildren();
  $("empty").hidden = false;
  clearTimeout(state.poll);
  if (user) poll();
}

// -- sending -----------------------------------------------------------------------------

async function send(event) {
  if (!state.user) return;
  $("quick").replaceChildren();
  $("status").textContent = TEXTS.waiting;
  setTimeout(() => { if ($("status").textContent === TEXTS.waiting) $("status").textContent = ""; }, WAIT_MS);
  try {
    await call("/send", { user: state.user, ...event });
  } catch (error) {
    $("status").textContent = TEXTS.failed;
  }
}

function act(action) {
  if (action.type === "postback") {
    send({ kind: "postback", data: action.data, text: action.displayText || null, label: action.label });
  } else if (action.type === "message") {
    send({ kind: "text", text: action.text });
  } else if (action.type === "uri") {
    window.open(action.uri, "_blank", "noopener");
  }
}

function actionButton(action) {
  const node = element("button", null, action.label || TEXTS.open_link);
  node.type = "button";
  node.addEventListener("click", () => act(action));
  return node;
}

// -- receiving ---------------------------------------------------------------------------

async function poll() {
  const round = state.round;
  try {
    const rows = await call(`/messages?user=${encodeURIComponent(state.user)}&after=${state.after}`);
    if (round !== state.round) return;
    rows.forEach(show);
    if (rows.length) showQuickReplies();
  } finally {
    if (round === state.round) state.poll = setTimeout(poll, POLL_MS);
  }
}

function show(row) {
  state.after = row.id;
  state.lastRow = row;
  $("empty").hidden = true;
  const item = element("li", row.kind);
  item.append(element("div", "who", row.kind === "bot" ? TEXTS.bot : TEXTS.you));
  if (row.kind === "bot") {
    $("status").textContent = "";
    row.messages.forEach((message) => item.append(lineMessage(message)));
  } else {
    item.append(personBubble(row));
  }
  $("log").append(item);
  item.scrollIntoView({ block: "end" });
}

function personBubble(row) {
  const said = {
    follow: TEXTS.followed,
    unfollow: TEXTS.unfollowed,
    postback: row.text || fill(TEXTS.pressed, { label: row.label || row.data }),
  }[row.event];
  // As in LINE, a button's display text reads as the person's own message.
  const spoken = row.event === "text" || (row.event === "postback" && row.text);
  return element("div", spoken ? "bubble" : "bubble event", said ?? row.text);
}

function showQuickReplies() {
  // As in LINE, only the last message's quick replies are offered.
  const row = state.lastRow;
  const last = row && row.kind === "bot" ? row.messages[row.messages.length - 1] : null;
  const items = (last && last.quickReply && last.quickReply.items) || [];
  $("quick").replaceChildren(...items.map((item) => actionButton(item.action)));
}

function lineMessage(message) {
  if (message.type === "text") return element("div", "bubble", message.text);
  if (message.type === "flex") return flex(message.contents);
  if (message.type === "template") return template(message.template);
  if (message.type === "image") {
    const image = element("img");
    image.src = message.previewImageUrl || message.originalContentUrl;
    image.alt = message.altText || "";
    return image;
  }
  return element("div", "bubble", fill(TEXTS.other_message, { type: message.type }));
}

function template(body) {
  const card = element("div", "card");
  if (body.title) card.append(element("div", "title", body.title));
  card.append(element("div", "bubble", body.text));
  const row = element("div", "template-buttons");
  row.append(...(body.actions || []).map(actionButton));
  card.append(row);
  return card;
}

// A Flex Message, read generously: bubbles, boxes, texts, buttons, images, separators.
function flex(node) {
  if (!node) return element("span");
  if (node.type === "carousel") {
    const strip = element("div", "carousel");
    strip.append(...node.contents.map(flex));
    return strip;
  }
  if (node.type === "bubble") {
    const card = element("div", "card");
    ["header", "hero", "body", "footer"].forEach((part) => node[part] && card.append(flex(node[part])));
    return card;
  }
  if (node.type === "box") {
    const box = element("div", `box ${node.layout || "vertical"}`);
    box.append(...(node.contents || []).map(flex));
    return box;
  }
  if (node.type === "text") {
    const text = node.text || (node.contents || []).map((span) => span.text).join("");
    return element("div", node.weight === "bold" ? "title" : "bubble-text", text);
  }
  if (node.type === "button") return actionButton(node.action);
  if (node.type === "image") {
    const image = element("img");
    image.src = node.url;
    image.alt = node.altText || "";
    return image;
  }
  if (node.type === "separator") return element("hr");
  return element("span");
}

// -- wiring ------------------------------------------------------------------------------

$("speaker").addEventListener("change", (event) => choose(event.target.value));
$("follow").addEventListener("click", () => send({ kind: "follow" }));
$("unfollow").addEventListener("click", () => send({ kind: "unfollow" }));

$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text) return;
  $("message").value = "";
  send({ kind: "text", text });
});

$("resident-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const person = await call("/residents", {
    name: $("resident-name").value, language: $("resident-language").value });
  $("resident-name").value = "";
  $("new-resident").open = false;
  await loadResidents(person.user_id);
});

loadResidents();
