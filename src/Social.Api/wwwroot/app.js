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
  $('timeline').replaceChildren();
  showSignedIn(false);
}

function showSignedIn(signedIn) {
  $('auth').hidden = signedIn;
  $('app').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  $('me').textContent = signedIn ? `@${state.handle}` : '';
}

function start() {
  showSignedIn(true);
  connect();
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
  li.querySelector('.author').textContent = post.author.displayName;
  li.querySelector('.handle').textContent = `@${post.author.handle}`;
  li.querySelector('time').textContent = new Date(post.createdAt).toLocaleString();
  li.querySelector('time').dateTime = post.createdAt;
  li.querySelector('.text').textContent = post.text;
  li.querySelector('.likes').textContent = `${post.likes} likes`;
  li.dataset.comments = post.comments;
  showCommentCount(li);
  li.querySelector('.comments-toggle').onclick = () => guarded(() => toggleComments(li));
  li.querySelector('.comment-form').onsubmit = (e) => { e.preventDefault(); guarded(() => comment(li, e.target)); };
  const remove = li.querySelector('.delete');
  remove.hidden = post.author.handle !== state.handle;
  remove.onclick = () => guarded(() => api('DELETE', `/api/posts/${post.id}`));
  state.posts.set(post.id, li);
  return li;
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
  item.append(who, ` ${comment.text}`);
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
  connection.on('subscribed', () => guarded(async () => {
    await resume();
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

if (state.token) start();
