// Runs one search engine over a built site's search index in Node, for benchmarks/search_engines.py.
//
//   node benchmarks/search_offline.mjs SITE_DIR ENGINE < queries.json > results.json
//
// queries.json is a list of query strings; results.json is, for each query, the result links in
// order (page address with the section anchor of the best section), as the reader would see them.
// ENGINE is one of:
//   site             docs/assets/search/engine.js, exactly as the site runs it in its worker
//   site-no-vocab    the same without data/vocabulary.yml, to show what the vocabulary adds
//   minisearch-plain MiniSearch's defaults (no stemming, no vocabulary), OR, prefix and typo matching
//   orama            Orama's defaults (its English stemmer and stop words), typo tolerance 1
// The last two need `npm ci --ignore-scripts` in benchmarks/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [siteDir, engine] = process.argv.slice(2);
const index = JSON.parse(readFileSync(join(siteDir, "search", "search_index.json"), "utf8"));
const queries = JSON.parse(readFileSync(0, "utf8"));
const local = (name) => pathToFileURL(join(siteDir, "assets", "search", name)).href;

function byPage(hits, locationOf) {
  // One link per page, at its best section, pages in order of their best section.
  const seen = new Map();
  for (const hit of hits) {
    const location = locationOf(hit);
    const page = location.split("#")[0];
    if (!seen.has(page)) seen.set(page, location);
  }
  return [...seen.values()];
}

async function run() {
  if (engine === "site" || engine === "site-no-vocab") {
    const [{ default: MiniSearch }, { stemmer }, { createSearch }, { default: english }] = await Promise.all(
      [import(local("minisearch.js")), import(local("stemmer.js")), import(local("engine.js")), import(local("english.js"))]);
    if (engine === "site-no-vocab") index.config.vocabulary = [];
    // SEARCH_SETTINGS (JSON) overrides engine.js's SETTINGS: for trying a setting on the tuning half.
    const search = createSearch(index, { MiniSearch, stemmer, english }, JSON.parse(process.env.SEARCH_SETTINGS || "{}"));
    return queries.map((q) => search.search(q).items.map((group) => group[0].location));
  }
  if (engine === "minisearch-plain") {
    const { default: MiniSearch } = await import("minisearch");
    const mini = new MiniSearch({ fields: ["title", "text"], storeFields: ["location"] });
    mini.addAll(index.docs.map((d, id) => ({ id, ...d })));
    return queries.map((q) => byPage(mini.search(q, { prefix: true, fuzzy: 0.2 }), (h) => h.location));
  }
  if (engine === "orama") {
    const { create, insertMultiple, search } = await import("@orama/orama");
    const db = create({ schema: { location: "string", title: "string", text: "string" } });
    await insertMultiple(db, index.docs.map((d) => ({ location: d.location, title: d.title, text: d.text })));
    const out = [];
    for (const q of queries) {
      const found = await search(db, { term: q, properties: ["title", "text"], tolerance: 1, limit: 60,
                                       boost: { title: 2 } });
      out.push(byPage(found.hits, (h) => h.document.location));
    }
    return out;
  }
  throw new Error(`unknown engine ${engine}`);
}

process.stdout.write(JSON.stringify(await run()));
