'use strict';
// The reference web client: pages and writes over the HTTP API, live changes from the feed hub. The protocol it
// follows is the README's "Real time" section: connect, wait for `subscribed`, then fill the gap with ?since=.

const state = {
  token: sessionStorage.getItem('token'),
  handle: sessionStorage.getItem('handle'),
  posts: new Map(), // post id → its <li>, the page's whole timeline; pushes and pages merge into it by id
  removed: new Set(), // ids a postRemoved push took out: a page read meanwhile must not bring them back
  cursor: null,
  connection: null,
  notifications: new Map(), // notification id → its <li>, newest first
  readUpTo: null, // the newest notification id marked read
};
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && state.token) signOut();
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const fields = problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
    throw new Error([problem.title ?? `HTTP ${response.status}`, problem.detail, fields].filter(Boolean).join(' '));
  }
  return response.status === 204 ? null : response.json();
}

async function guarded(action) {
  $('error').hidden = true;
  try {
    await action();
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  }
}

// Accounts.

async function signIn(handle, password) {
  const { accessToken } = await api('POST', '/api/auth/token', { handle, password });
  state.token = accessToken;
  state.handle = handle.toLowerCase();
  sessionStorage.setItem('token', state.token);
  sessionStorage.setItem('handle', state.handle);
  start();
}

async function signUp(handle, displayName, password) {
  await api('POST', '/api/users', { handle, displayName: displayName || handle, password });
  await signIn(handle, password);
}

function signOut() {
  state.token = state.handle = null;
  sessionStorage.clear();
  state.connection?.stop();
  state.connection = null;
  state.posts.clear();
  state.removed.clear();
  state.notifications.clear();
  state.readUpTo = null;
  $('timeline').replaceChildren();
  $('notification-list').replaceChildren();
  showSignedIn(false);
}

function showSignedIn(signedIn) {
  $('auth').hidden = signedIn;
  $('app').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  $('notifications-toggle').hidden = !signedIn;
  if (!signedIn) $('notifications').hidden = $('browse').hidden = true;
  $('me').textContent = signedIn ? `@${state.handle}` : '';
}

function start() {
  showSignedIn(true);
  connect();
  route();
}

// The timeline: one <li> per post, newest first, keyed by id so that a post from a page and from a push is one post.

function upsert(post, fresh) {
  if (state.removed.has(post.id)) return;
  const existing = state.posts.get(post.id);
  if (existing) {
    existing.replaceWith(render(post));
  } else {
    const li = render(post);
    if (fresh) li.classList.add('new');
    const next = [...state.posts.keys()].filter((id) => id < post.id).sort().pop();
    $('timeline').insertBefore(li, next ? state.posts.get(next) : null);
  }
}

function render(post) {
  const li = $('post-template').content.firstElementChild.cloneNode(true);
  li.dataset.postId = post.id;
  li.dataset.author = post.author.handle;
  li.querySelector('.author').textContent = post.author.displayName;
  li.querySelector('.handle').textContent = `@${post.author.handle}`;
  li.querySelector('time').textContent = new Date(post.createdAt).toLocaleString();
  li.querySelector('time').dateTime = post.createdAt;
  renderText(li.querySelector('.text'), post.text, post.mentions, post.tags);
  li.querySelector('.likes').textContent = `${post.likes} likes`;
  li.dataset.comments = post.comments;
  showCommentCount(li);
  li.querySelector('.comments-toggle').onclick = () => guarded(() => toggleComments(li));
  li.querySelector('.comment-form').onsubmit = (e) => { e.preventDefault(); guarded(() => comment(li, e.target)); };
  const remove = li.querySelector('.delete');
  remove.hidden = post.author.handle !== state.handle;
  remove.onclick = () => guarded(() => api('DELETE', `/api/posts/${post.id}`));
  for (const kind of ['mute', 'block']) {
    const button = li.querySelector(`.${kind}`);
    button.hidden = post.author.handle === state.handle;
    button.textContent = `${kind === 'mute' ? 'Mute' : 'Block'} @${post.author.handle}`;
    button.onclick = () => guarded(() => hideAuthor(kind, post.author.handle));
  }
  state.posts.set(post.id, li);
  return li;
}

// Muting or blocking an author takes their posts out of this page at once; the server hides them from every page.
async function hideAuthor(kind, handle) {
  await api('PUT', `/api/users/me/${kind}s/${encodeURIComponent(handle)}`);
  for (const [id, li] of state.posts) {
    if (li.dataset.author === handle) removePost(id);
  }
}

function removePost(id) {
  state.removed.add(id);
  state.posts.get(id)?.remove();
  state.posts.delete(id);
}

async function loadPage(cursor) {
  const page = await api('GET', `/api/timelines/home?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
  page.items.forEach((post) => upsert(post, false));
  state.cursor = page.nextCursor;
  $('more').hidden = !state.cursor;
}

// Called on every `subscribed`: the first time the first page, after a reconnect everything newer than what we hold.
async function resume() {
  const newest = [...state.posts.keys()].sort().pop();
  if (!newest) return loadPage(null);
  let cursor = null;
  do {
    const page = await api('GET', `/api/timelines/home?since=${newest}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    page.items.forEach((post) => upsert(post, true));
    cursor = page.nextCursor;
  } while (cursor);
}

// Comments.

function showCommentCount(li) {
  const open = !li.querySelector('.comments').hidden;
  li.querySelector('.comments-toggle').textContent = `${open ? 'Hide' : 'Show'} comments (${li.dataset.comments})`;
}

async function toggleComments(li) {
  const box = li.querySelector('.comments');
  box.hidden = !box.hidden;
  showCommentCount(li);
  if (box.hidden) return;
  const page = await api('GET', `/api/posts/${li.dataset.postId}/comments?limit=100`);
  // Merged with what is shown, by id: a comment added while the page was loading stays.
  const list = box.querySelector('ol');
  const byId = new Map([...list.children].map((item) => [item.dataset.commentId, item]));
  page.items.forEach((c) => byId.has(c.id) || byId.set(c.id, renderComment(c)));
  list.replaceChildren(...[...byId.keys()].sort().map((id) => byId.get(id)));
}

function renderComment(comment) {
  const item = document.createElement('li');
  item.dataset.commentId = comment.id;
  const who = document.createElement('strong');
  who.textContent = comment.author.displayName;
  const text = document.createElement('span');
  renderText(text, comment.text, comment.mentions, []);
  item.append(who, ' ', text);
  return item;
}

async function comment(li, form) {
  const input = form.querySelector('input');
  addComment(li, await api('POST', `/api/posts/${li.dataset.postId}/comments`, { text: input.value }));
  input.value = '';
}

function addComment(li, comment) {
  const list = li.querySelector('.comments ol');
  if (list.querySelector(`[data-comment-id="${comment.id}"]`)) return;
  list.append(renderComment(comment));
  li.dataset.comments = Number(li.dataset.comments) + 1;
  showCommentCount(li);
}

// Mentions and tags as links: only those the server recorded (a mention of nobody stays text). A tag opens its
// timeline, a mention the user's page (see route()). Built from DOM nodes, never from HTML.

function renderText(element, text, mentions = [], tags = []) {
  const word = /[\p{L}\p{M}\p{N}_]/u;
  const entity = /[@#]([\p{L}\p{M}\p{N}_]+)/gu;
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(entity)) {
    const name = match[1].toLowerCase();
    const linked = match[0][0] === '@' ? mentions.includes(name) && `#/users/${name}` : tags.includes(name) && `#/tags/${encodeURIComponent(name)}`;
    if (!linked || (match.index > 0 && word.test(text[match.index - 1]))) continue;
    nodes.push(text.slice(last, match.index));
    const link = document.createElement('a');
    link.href = linked;
    link.textContent = match[0];
    nodes.push(link);
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  element.replaceChildren(...nodes);
}

// A tag's timeline or a user's page, from the address's fragment; the home timeline when there is none.
async function route() {
  // Only what a tag or a handle can be reaches a request path: a crafted fragment cannot point the API elsewhere.
  const [, kind, raw] = location.hash.match(/^#\/(tags|users)\/([^/?#]+)$/) ?? [];
  const name = raw && encodeURIComponent(decodeURIComponent(raw).toLowerCase());
  $('browse').hidden = !kind;
  $('app').hidden = Boolean(kind) || !state.token;
  if (!kind) return;
  const list = $('browse-list');
  list.replaceChildren();
  $('browse-summary').textContent = '';
  if (kind === 'tags') {
    $('browse-title').textContent = `#${decodeURIComponent(name)}`;
    const page = await api('GET', `/api/tags/${name}/posts?limit=50`);
    page.items.forEach((post) => list.append(renderBrowsed(post)));
  } else {
    const user = await api('GET', `/api/users/${name}`);
    $('browse-title').textContent = `${user.displayName} @${user.handle}`;
    $('browse-summary').textContent = `${user.posts} posts · ${user.followers} followers · ${user.following} following`;
    const page = await api('GET', `/api/users/${name}/posts?limit=50`);
    page.items.forEach((post) => list.append(renderBrowsed(post)));
  }
}

function renderBrowsed(post) {
  const li = document.createElement('li');
  li.className = 'post';
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${post.author.displayName} @${post.author.handle} · ${new Date(post.createdAt).toLocaleString()}`;
  const text = document.createElement('p');
  text.className = 'text';
  renderText(text, post.text, post.mentions, post.tags);
  li.append(meta, text);
  return li;
}

// Notifications: a list newest first, with an unread badge kept live by `notificationAdded`. Opening the list marks
// everything in it read (the server's marker only moves forward).

const notificationWords = {
  follow: 'followed you',
  like: 'liked your post',
  comment: 'commented on your post',
  mention: 'mentioned you',
};

function addNotification(notification) {
  if (state.notifications.has(notification.id)) return false;
  const li = document.createElement('li');
  li.dataset.notificationId = notification.id;
  const who = document.createElement('a');
  who.href = `#/users/${notification.actor.handle}`;
  who.textContent = notification.actor.displayName;
  li.append(who, ` ${notificationWords[notification.type] ?? notification.type}`);
  li.classList.toggle('unread', !state.readUpTo || notification.id > state.readUpTo);
  const next = [...state.notifications.keys()].filter((id) => id < notification.id).sort().pop();
  $('notification-list').insertBefore(li, next ? state.notifications.get(next) : null);
  state.notifications.set(notification.id, li);
  return true;
}

function showUnread(count) {
  $('unread').textContent = count;
  $('unread').hidden = count === 0;
}

// On every `subscribed`: what arrived while away (or the first page), and the server's unread count.
async function resumeNotifications() {
  const newest = [...state.notifications.keys()].sort().pop();
  let cursor = null;
  do {
    const page = await api('GET', `/api/notifications?limit=100${newest ? `&since=${newest}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
    page.items.forEach(addNotification);
    cursor = newest ? page.nextCursor : null;
  } while (cursor);
  showUnread((await api('GET', '/api/notifications/unread')).count);
}

async function toggleNotifications() {
  $('notifications').hidden = !$('notifications').hidden;
  const newest = [...state.notifications.keys()].sort().pop();
  if ($('notifications').hidden || !newest) return;
  await api('PUT', '/api/notifications/marker', { lastReadId: newest });
  // Everything shown is read now; the server's count follows its marker a moment later, so it is not asked here.
  state.readUpTo = newest;
  state.notifications.forEach((li) => li.classList.remove('unread'));
  showUnread(0);
}

// The feed hub.

function setLive(live) {
  $('live').textContent = live ? 'live' : 'offline';
  $('live').classList.toggle('off', !live);
}

function connect() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/feed', { accessTokenFactory: () => state.token })
    // Never give up: after any outage the client comes back and resumes with ?since=.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(30000, 500 * 2 ** retry.previousRetryCount) })
    .build();
  connection.on('postAdded', (post) => upsert(post, true));
  connection.on('postRemoved', ({ id }) => removePost(id));
  connection.on('commentAdded', (added) => {
    const li = state.posts.get(added.postId);
    if (li) addComment(li, added);
  });
  connection.on('notificationAdded', (notification) => {
    if (addNotification(notification) && (!state.readUpTo || notification.id > state.readUpTo)) {
      showUnread(Number($('unread').textContent) + 1);
    }
  });
  connection.on('subscribed', () => guarded(async () => {
    await resume();
    await resumeNotifications();
    setLive(true);
  }));
  connection.onreconnecting(() => setLive(false));
  state.connection = connection;
  // A connection the server closed for good (it failed to start the feed, say) is started again, unless signed out.
  const begin = () => connection.start().catch((e) => {
    if (e?.statusCode === 401) signOut(); // the token expired: sign in again
    else if (state.connection === connection) setTimeout(begin, 2000);
  });
  connection.onclose(() => {
    setLive(false);
    if (state.connection === connection) setTimeout(begin, 2000);
  });
  begin();
}

// Wiring.

$('auth-form').onsubmit = (e) => {
  e.preventDefault();
  guarded(() => signIn($('handle').value, $('password').value));
};
$('sign-up').onclick = () => guarded(() => signUp($('handle').value, $('display-name').value, $('password').value));
$('sign-out').onclick = signOut;
$('compose').onsubmit = (e) => {
  e.preventDefault();
  guarded(async () => {
    upsert(await api('POST', '/api/posts', { text: $('post-text').value }), true);
    $('post-text').value = '';
  });
};
$('follow-form').onsubmit = (e) => {
  e.preventDefault();
  guarded(() => api('PUT', `/api/users/me/following/${encodeURIComponent($('follow-handle').value.trim())}`));
};
$('unfollow').onclick = () => guarded(() => api('DELETE', `/api/users/me/following/${encodeURIComponent($('follow-handle').value.trim())}`));
$('more').onclick = () => guarded(() => loadPage(state.cursor));
$('notifications-toggle').onclick = () => guarded(toggleNotifications);
window.onhashchange = () => guarded(route);

if (state.token) start();
