// The local chat page: speak as a made-up LINE resident, show what the bot sends as LINE would.
"use strict";

const TEXTS = JSON.parse(document.getElementById("texts").textContent);
const PLACES = JSON.parse(document.getElementById("places").textContent);
const PHOTO_EDGE = 1280; // a photo is shrunk to this many pixels on its longer side, as LINE does
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
  // The newest message just above the input, which stays at the bottom of the screen.
  window.scrollTo({ top: document.documentElement.scrollHeight });
}

function personBubble(row) {
  if (row.event === "image") {
    const image = element("img", "photo");
    image.src = row.src;
    image.alt = TEXTS.sent_photo;
    return image;
  }
  if (row.event === "location" && row.place) return placeBubble(row.place);
  if (row.event === "sticker") {
    return element("div", "bubble sticker", fill(TEXTS.sent_sticker, { name: TEXTS["sticker_" + row.sticker] || "" }));
  }
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

function placeBubble(place) {
  const bubble = element("div", "bubble place");
  bubble.append(element("div", "title", place.title ? fill(TEXTS.sent_place, { title: place.title }) : TEXTS.location));
  if (place.address) bubble.append(element("div", null, place.address));
  return bubble;
}

function lineMessage(message) {
  if (message.type === "text") return element("div", "bubble", message.text);
  if (message.type === "location") return placeBubble(message);
  if (message.type === "sticker") return element("div", "bubble sticker", TEXTS.bot_sticker);
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

function sendText() {
  const text = $("message").value.replace(/\r\n/g, "\n").trim();
  if (!text) return;
  $("message").value = "";
  send({ kind: "text", text });
}

$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sendText();
});

// Enter is a new line (as on a phone's keyboard); Ctrl+Enter or Cmd+Enter sends.
$("message").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
    event.preventDefault();
    sendText();
  }
});

function toggle(button, panel, other) {
  const open = panel.hidden;
  panel.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  if (open && other) {
    other.panel.hidden = true;
    other.button.setAttribute("aria-expanded", "false");
  }
}

$("sticker-toggle").addEventListener("click", () =>
  toggle($("sticker-toggle"), $("stickers"), { button: $("place-toggle"), panel: $("place-form") }));
$("place-toggle").addEventListener("click", () =>
  toggle($("place-toggle"), $("place-form"), { button: $("sticker-toggle"), panel: $("stickers") }));

document.querySelectorAll("#stickers .sticker").forEach((button) => {
  button.addEventListener("click", () => {
    toggle($("sticker-toggle"), $("stickers"));
    send({ kind: "sticker", sticker: button.dataset.sticker });
  });
});

$("place-form").addEventListener("submit", (event) => {
  event.preventDefault();
  toggle($("place-toggle"), $("place-form"));
  send({ kind: "location", ...PLACES[Number($("place").value)] });
});

// A photo is shrunk and sent as JPEG, as LINE's app sends one; the bot fetches it back through
// LINE's content API (here served by the page itself).
async function shrink(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.85));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

$("photo").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  try {
    send({ kind: "image", content_type: "image/jpeg", image: await shrink(file) });
  } catch (error) {
    $("status").textContent = TEXTS.photo_failed;
  }
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
