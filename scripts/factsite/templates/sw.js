// The site's service worker: after one visit, the whole guide opens, searches and shows the
// warning signs with no connection, and a repeat visit costs almost no bytes.
//
// The build (factsite/offline.py) writes this file to the site's root as sw.js, with the two
// lines marked "filled in by the build": VERSION, a hash of every file below, and FILES, each file
// of this build the reader's pages can use (address relative to this script: its sha256, cut short).
// A new build gives a new VERSION, so the browser installs the new worker, which keeps exactly the
// new build's files and drops the old ones.
//
// How it answers:
// - a page: from the network, so readers get corrections at once; if the network fails, answers an
//   error (5xx) or takes longer than TIMEOUT, from the saved copy; an address never saved, from the
//   offline page (offline.html: the emergency numbers, and links to the saved warning signs);
// - any other file of the build (styles, scripts, the search index, images): from the saved copy,
//   with no request at all; anything else from the network, as if there were no worker.
//
// Only whole, correct copies are saved: every file is checked against its hash, and if one is
// missing, an error or from another build, nothing is saved and the old worker (if any) stays.
// Nothing the worker fetches while answering is ever written to its store.
"use strict";

const VERSION = ""; // filled in by the build
const FILES = {}; // filled in by the build

const SCOPE = self.registration.scope; // the site's root, wherever the site is served
const PREFIX = SCOPE + " "; // this site's stores; other sites on the same host keep theirs
const STORE = PREFIX + VERSION;
const FILE_LIST = "./sw-files.json"; // kept in each store: which hashes it holds, for the next build
const OFFLINE = "./offline.html";
const TIMEOUT = 3000; // ms a page may take from the network before the saved copy is shown

const absolute = (path) => new URL(path, SCOPE).href;

// A file of this build, as the network has it now, or an error: a file is only ever saved whole,
// without an error status or a redirect, and with the content this build lists for it.
async function fetchChecked(path) {
  const response = await fetch(new Request(absolute(path), { cache: "no-cache", credentials: "same-origin" }));
  if (!response.ok || response.redirected || response.type !== "basic") {
    throw new Error(`${path}: ${response.status}${response.redirected ? " (redirected)" : ""}`);
  }
  const digest = await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer());
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  if (!hex.startsWith(FILES[path])) throw new Error(`${path}: not the file of this build`);
  return response;
}

// The copies an earlier build saved of files that have not changed since: no need to fetch them.
async function unchangedCopies() {
  const copies = new Map();
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === STORE) continue;
    const store = await caches.open(name);
    const listed = await store.match(absolute(FILE_LIST));
    const hashes = listed ? await listed.json() : {};
    for (const [path, hash] of Object.entries(FILES)) {
      if (hashes[path] === hash && !copies.has(path)) {
        const copy = await store.match(absolute(path));
        if (copy) copies.set(path, copy);
      }
    }
  }
  return copies;
}

// Install: save every file of the build into a new store, or fail and save nothing.
self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const copies = await unchangedCopies();
    const responses = await Promise.all(
      Object.keys(FILES).map(async (path) => [path, copies.get(path) || (await fetchChecked(path))]));
    await caches.delete(STORE); // a half-written store from an install that was cut short
    const store = await caches.open(STORE);
    for (const [path, response] of responses) await store.put(absolute(path), response);
    await store.put(absolute(FILE_LIST), new Response(JSON.stringify(FILES)));
    await self.skipWaiting(); // the new build's files are all here: use them from now on
  })());
});

// Activate: drop the stores of earlier builds, and answer the pages already open.
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== STORE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The saved copy of a page: its address without the query (?h= marks words, ?q= opens search), and
// a folder's index.html as the folder itself.
async function savedPage(url) {
  const store = await caches.open(STORE);
  const address = new URL(url);
  address.search = "";
  address.hash = "";
  if (address.pathname.endsWith("/index.html")) address.pathname = address.pathname.slice(0, -"index.html".length);
  const page = await store.match(address.href);
  if (page) return page;
  // A folder asked for without its slash (/causes): send the reader to it, as the server would.
  if (!address.pathname.endsWith("/") && (await store.match(address.href + "/"))) {
    return Response.redirect(address.href + "/" + new URL(url).search, 301);
  }
  return null;
}

async function answerPage(request) {
  const fromNetwork = fetch(request).then((response) => {
    if (response.status >= 500) throw new Error(`${response.status}`); // a server error: the copy is better
    return response;
  });
  const saved = savedPage(request.url);
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, TIMEOUT); });
  try {
    // Whichever comes first: the network's answer, or the saved copy once TIMEOUT has passed.
    return await Promise.race([fromNetwork, late.then(async () => (await saved) || fromNetwork)]);
  } catch {
    const copy = await saved;
    if (copy) return copy;
    const offline = await (await caches.open(STORE)).match(absolute(OFFLINE));
    return offline || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

async function answerFile(request) {
  const copy = await (await caches.open(STORE)).match(request);
  return copy || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return; // not this site's: as without a worker
  event.respondWith(request.mode === "navigate" ? answerPage(request) : answerFile(request));
});
