// The search worker the theme talks to. Its messages (Material's): 0 setup (the index),
// 1 ready, 2 query (the text typed), 3 result (what engine.js answers).
//
// The theme starts this worker on every page, but the worker loads nothing until the page sends
// the index, and the page holds that back until the reader reaches for search
// (docs/overrides/main.html). So a reader who never searches downloads only this file.
let ready = null;

self.addEventListener("message", (event) => {
  const { type, data } = event.data || {};
  if (type === 0) {
    ready = Promise.all([import("./minisearch.js"), import("./stemmer.js"), import("./engine.js"), import("./english.js")])
      .then(([minisearch, stemmer, engine, english]) => {
        const search = engine.createSearch(data, { MiniSearch: minisearch.default, stemmer: stemmer.stemmer,
                                                   english: english.default });
        self.postMessage({ type: 1 });
        return search;
      });
  } else if (type === 2 && ready) {
    // Answers go back in the order the queries came, even those typed while the index loads.
    ready.then((search) => self.postMessage({ type: 3, data: search.search(String(data)) }));
  }
});
