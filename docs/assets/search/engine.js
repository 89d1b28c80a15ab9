// The site's search engine: MiniSearch (BM25 ranking, typo and prefix matching, field boosts)
// over every section of every page, with English stemming, the lay vocabulary from
// data/vocabulary.yml, and rules of our own: a word on no page and in no English word list is read
// as the nearest word on a page,
// lay phrases are matched longest first, pages are ranked by their best sections, a query that
// names a warning sign puts that sign first, and no query ends with nothing.
//
// It runs in the search worker (worker.js) on the reader's device, and in Node for the
// benchmarks (benchmarks/search_engines.py), so both measure the same code. It never touches
// the network: the index arrives from the page, which fetched it from this site.
//
// The answer has the shape the theme's results list renders (Material's SearchResult):
// {items: [[best section of a page, other sections, the page itself], ...]}. Each title and
// text is HTML: we escape everything and add only <mark> around the reader's words.

// Words too common to tell pages apart (lunr's English list, which the old search used, plus
// contractions as readers type them without the apostrophe).
const STOP_WORDS = new Set((
  "a able about across after all almost also am among an and any are as at be because been but by can " +
  "cannot could dear did do does either else ever every for from get got had has have he her hers him his " +
  "how however i if in into is it its just least let like likely may me might most must my neither no nor " +
  "not of off often on only or other our own rather said say says she should since so some than that the " +
  "their them then there these they this tis to too twas us wants was we were what when where which while " +
  "who whom why will with would yet you your im ive id dont doesnt didnt isnt wont cant its thats whats " +
  "really actually any anything something thing things ok okay please " +
  // Everyday words that say nothing about the topic; left as they are, a mistyped-word rule would
  // read "through" as "though" and count it.
  "through though although again even still many lot lots bit quite being each such both " +
  "whether until upon onto"
).split(" "));

const FIELDS = ["title", "text", "terms", "page"];

// Words that nearly every page has: they say the query is about cramps, not which page answers it.
// They count for less, and a query of nothing else goes to the overview.
const GENERIC = "leg legs cramp cramps cramping cramped muscle muscles spasm spasms calf calves pain painful hurt hurts";
// Where a cramp strikes: with only these and cramp words ("cramp in my shin", "toe cramps"), the
// query asks what a cramp there is, which the overview answers.
const BODY = "foot feet toe toes thigh thighs shin shins hamstring hamstrings quad quads ankle ankles heel arch sole";
export const OVERVIEW = "";
const REFERENCE_PAGES = ["sources/", "glossary/", "changes/", "about/"];
// The pages that say what to do for a cramp, the most direct first.
const ADVICE = ["treatments/", "prevention/"];
const GLOSSARY = "glossary/";
// How a question asking what something is starts.
const DEFINING = ["what is", "what are", "whats", "what is a", "what is an", "whats a"].map((s) => s.split(" "));

// Tuned on the tuning half of tests/search_queries_heldout.yml, tests/search_queries.yml and
// tests/search_queries_fresh.yml only.
export const SETTINGS = {
  boost: { title: 2.5, terms: 3, page: 2, text: 1 },
  // A section's score counts fully; the page's other sections add a little, so a page that
  // answers the question in several places beats one lucky sentence elsewhere.
  otherSections: 0.15,
  // How much the page as a whole counts against its best section (0: only sections).
  wholePage: 0.5,
  pageBoost: { title: 3, terms: 5, headings: 2, text: 1 },
  // A query holding a page's whole title of at least this many words names that page.
  titleWords: 4,
  // How many of the reader's words may stand between two words of a lay phrase.
  phraseGap: 1,
  // Words the lay vocabulary adds weigh less than the reader's own.
  vocabularyWeight: 0.5,
  genericWeight: 0.8,
  // A warning sign goes first when its score is at least this share of the best section's.
  signShare: 0.9,
  // ... or at least this share when the vocabulary points at it (the reader described it).
  pointedSignShare: 0.5,
  // A sign the vocabulary does not point at must hold this many of the reader's own words that are
  // in no more than this share of the sections.
  signWords: 2,
  commonShare: 0.2,
  referenceWeight: 0.5,
  // A section copied from another page (the warning box, the words on the page, the cramp card):
  // the page it came from answers the query, not every page that repeats it.
  copyWeight: 0.3,
  // A page the vocabulary names for a phrase in the query (its `see:`) counts this much more.
  seeBoost: 2,
  // How many typing mistakes a word on no page may hold for the nearest word on a page to stand
  // in for it, by its length ("pregant" -> "pregnant"; see correct() for three-letter words).
  corrections: (length) => (length < 3 ? 0 : length < 7 ? 1 : 2),
  // A word taken for a mistyped one counts a little less than a word typed right.
  correctedWeight: 0.8,
  // At most this many new words are looked up as mistakes in one query.
  maxCorrections: 10,
  // How many typing mistakes a word may hold, by its length.
  typos: (length) => (length < 4 ? 0 : length < 6 ? 1 : length < 10 ? 2 : 3),
  fuzzyWeight: 0.3,
  maxPages: 20,
  maxSections: 5,
  prefixWeight: 0.375,
};

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

// Lower case, accents off, apostrophes out ("won't" -> "wont", "child's" -> "childs").
export function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/['’‘`]/g, "");
}

export function words(text) {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

// `english` is english.js's list of common English words (see unpack() below); without it every word
// on no page may be taken for a mistyped one.
export function createSearch(index, { MiniSearch, stemmer: porter, english: englishWords = "" }, overrides = {}) {
  const settings = { ...SETTINGS, ...overrides };
  const stems = new Map(); // the same few thousand words come back in every query and highlight
  const stemmer = (word) => {
    let s = stems.get(word);
    if (s === undefined) stems.set(word, (s = porter(word)));
    return s;
  };
  const known = new Set(); // every processed term in the index, for the typo rules below
  // The stems of common English words: a word the reader spelt right is not a mistake for a word on
  // a page ("couch" is not "cough", "swam" not "scam", "brine" not "urine").
  const english = unpack(englishWords);
  const stem = (word) => (STOP_WORDS.has(word) ? null : stemmer(word));
  const generic = new Set(GENERIC.split(" ").map(stem));
  const where = new Set([...generic, ...BODY.split(" ").map(stem)]);
  const docs = index.docs.map((doc, id) => ({
    id,
    location: doc.location,
    title: doc.title,
    text: doc.text || "",
    // A page's own search words go on its entry only, not on every section: on each of the
    // warning-signs page's 57 sections they would make that page match almost everything.
    // Each word once: the terms are a set of words, and "cramp" in twenty of them is no better.
    terms: settings.termsEverywhere || !doc.location.includes("#") ? (doc.terms || []).join(" ; ") : "",
    page: settings.pageTitleEverywhere || !doc.location.includes("#") ? doc.page || "" : "",
    tier: doc.tier,
    copy: Boolean(doc.copy),
    pageKey: doc.location.split("#")[0],
  }));
  const mini = new MiniSearch({
    fields: FIELDS,
    tokenize: words,
    processTerm: (word) => {
      const term = stem(word);
      if (term) known.add(term);
      return term;
    },
  });
  mini.addAll(docs);

  // The same words again, one document per page: which page is about the query as a whole.
  const wholePages = new Map();
  for (const doc of index.docs) {
    const key = doc.location.split("#")[0];
    const page = wholePages.get(key) || { id: key, title: "", terms: "", headings: "", text: "" };
    if (!doc.location.includes("#")) {
      page.title = doc.title;
      page.terms = (doc.terms || []).join(" ; ");
    } else if (!doc.copy) {
      page.headings += " ; " + doc.title;
      page.text += " " + (doc.text || "");
    }
    wholePages.set(key, page);
  }
  const pageIndex = new MiniSearch({ fields: ["title", "terms", "headings", "text"], tokenize: words, processTerm: stem });
  pageIndex.addAll([...wholePages.values()]);

  // The lay vocabulary: each phrase as a run of stemmed words, common words kept ("not a cramp"
  // is not "cramp"), and the processed terms it stands for.
  const vocabulary = (index.config.vocabulary || []).map((entry) => ({
    lay: entry.lay.map((phrase) => words(phrase).map((w) => stemmer(w))),
    means: entry.means.flatMap((phrase) => words(phrase).map(stem).filter(Boolean)),
    // "causes#alcohol" -> the page key of causes, as the index writes it ("causes/", "" for the overview)
    see: entry.see ? pageKeyOf(entry.see) : null,
    section: entry.see && entry.see.includes("#") ? pageKeyOf(entry.see) + "#" + entry.see.split("#")[1] : null,
  }));

  // The lay phrases by their first word: a query is checked only for phrases that can start in it.
  const phrasesByStart = new Map();
  for (const entry of vocabulary) {
    for (const phrase of entry.lay.filter((p) => p.length)) {
      if (!phrasesByStart.has(phrase[0])) phrasesByStart.set(phrase[0], []);
      phrasesByStart.get(phrase[0]).push({ entry, phrase });
    }
  }

  // Page titles long enough not to turn up by chance in a question, as runs of stemmed words.
  const titles = docs
    .filter((d) => !d.location.includes("#"))
    .map((d) => ({ key: d.location, title: words(d.title).map(stemmer) }))
    .filter((t) => t.title.length >= settings.titleWords);
  // The entries of the reference pages (a glossary word, a source type), the same way.
  const referenceTitles = docs
    .filter((d) => REFERENCE_PAGES.includes(d.pageKey) && d.location.includes("#"))
    .map((d) => ({ location: d.location, key: d.pageKey, title: words(d.title).map(stemmer) }));
  // Every word the reader could mean: the words of the pages and of the lay vocabulary, with how
  // often each is used, for the spelling rule below.
  // Also how many sections hold each word: a word in a good share of them ("day", "help") says
  // little (see the warning-sign rule).
  const lexicon = new Map();
  const sectionCount = new Map();
  let sections = 0;
  const count = (list) => { for (const w of list) lexicon.set(w, (lexicon.get(w) || 0) + 1); };
  for (const doc of docs) {
    const list = words(doc.title + " " + doc.text);
    count(list);
    if (doc.location.includes("#")) {
      sections++;
      for (const term of new Set(list.map(stem))) if (term) sectionCount.set(term, (sectionCount.get(term) || 0) + 1);
    } else count(words(doc.terms + " " + doc.page));
  }
  for (const entry of index.config.vocabulary || []) for (const phrase of entry.lay) count(words(phrase));
  const lexiconWords = [...lexicon.keys()].filter((w) => w.length >= 3);
  const byLength = new Map(); // the same words by length: a mistyped word is compared with few
  for (const w of lexiconWords) {
    if (!byLength.has(w.length)) byLength.set(w.length, []);
    byLength.get(w.length).push(w);
  }

  // A word that is on no page, in no lay phrase and no English word is most likely mistyped
  // ("magnisium", "cramsp", "ibuprofin", "pregant"): the nearest word the site knows, by letters
  // added, dropped, changed or swapped, stands in for it. The fewest changes win; of as few, one that
  // keeps the first letter (few typing mistakes are there: "cist" is "cyst", not "list"), then one
  // that the word begins, cut short ("charlie hors" is "horse", not "hour"), then the word the pages
  // use most.
  const corrections = new Map();
  const closer = (word, a, b) => {
    const first = Number(a[0] === word[0]) - Number(b[0] === word[0]);
    if (first) return first > 0;
    const start = Number(a.startsWith(word)) - Number(b.startsWith(word));
    if (start) return start > 0;
    return lexicon.get(a) > lexicon.get(b);
  };
  function correct(word) {
    if (corrections.has(word)) return corrections.get(word);
    // Spelt as it sounds: "nite", "tite", "lite" for night, tight, light.
    const sounded = word.replace(/ite$/, "ight");
    if (sounded !== word && lexicon.has(sounded)) {
      corrections.set(word, sounded);
      return sounded;
    }
    const limit = settings.corrections(word.length);
    let best = null;
    let bestDistance = limit + 1;
    const near = [];
    for (let n = word.length - limit; limit && n <= word.length + limit; n++) near.push(...(byLength.get(n) || []));
    for (const candidate of near) {
      if (Math.abs(candidate.length - word.length) > Math.min(limit, bestDistance)) continue;
      // A three-letter word has too many neighbours ("sat" is not "salt"): only two swapped letters
      // ("lge" for "leg"), a dropped letter in a common word ("wen" for "when") or in a word with no
      // vowel left ("clf" for "calf") is taken for a mistake.
      if (word.length === 3 && !(sameLetters(word, candidate) ||
          (candidate.length === 4 && (STOP_WORDS.has(candidate) || !/[aeiouy]/.test(word))))) continue;
      const d = editDistance(word, candidate, Math.min(limit, bestDistance));
      if (d < bestDistance || (d === bestDistance && best && closer(word, candidate, best))) {
        best = candidate;
        bestDistance = d;
      }
    }
    corrections.set(word, best);
    return best;
  }

  function understand(query, { typing = false } = {}) {
    const all = ages(words(query));
    const raw = all.filter((w) => !STOP_WORDS.has(w));
    const corrected = new Set(); // positions in `raw` whose word was taken for a typing mistake
    let tries = settings.maxCorrections; // a query of many unknown words is not a few typing mistakes
    const fix = (w, i, list) => {
      const term = stemmer(w);
      if (STOP_WORDS.has(w) || known.has(term) || lexicon.has(w) || english.has(term)) return term;
      // The word still being typed is a beginning ("magn"), not a mistake: prefix search finds it.
      if (typing && i === list.length - 1 && lexiconWords.some((c) => c.startsWith(w))) return term;
      if (!corrections.has(w) && tries-- <= 0) return term;
      const better = correct(w);
      if (!better) return term;
      if (list === raw) corrected.add(i);
      return stemmer(better);
    };
    const own = raw.map(fix);
    const sequence = all.map(fix);
    const added = [];
    const pointed = new Set(); // pages the vocabulary says answer a phrase in the query
    const explained = new Set(); // the reader's words that a lay phrase took up
    // Every lay phrase in the query, longest first (of two as long, the one with no words between
    // its words, then the one that starts first); words a longer phrase took do not count again for
    // a shorter one, so "the runs" is losing fluid, not running, and "drink every night" is heavy
    // drinking, not only "every night".
    const found = [];
    for (const first of new Set(sequence)) {
      for (const { entry, phrase } of phrasesByStart.get(first) || []) {
        const at = find(sequence, phrase, settings.phraseGap);
        if (at) found.push({ entry, phrase, at });
      }
    }
    const span = (m) => m.at[m.at.length - 1] - m.at[0];
    found.sort((a, b) => b.phrase.length - a.phrase.length || span(a) - span(b) || a.at[0] - b.at[0]);
    const taken = new Set();
    const entries = new Set();
    for (const { entry, phrase, at } of found) {
      if (at.some((i) => taken.has(i))) continue;
      for (const i of at) taken.add(i);
      for (const term of phrase) explained.add(term);
      entries.add(entry);
    }
    // A page's whole title in the query ("when to see a doctor about cramps") names that page.
    for (const { key, title } of titles) if (find(sequence, title)) pointed.add(key);
    for (const entry of vocabulary.filter((e) => entries.has(e))) {
      for (const term of entry.means) if (!own.includes(term) && !added.includes(term)) added.push(term);
      if (entry.see) pointed.add(entry.see);
      if (entry.section) pointed.add(entry.section);
    }
    // A reference section the query names in full, on a page the vocabulary says it asks for
    // ("what does DVT stand for": the glossary's DVT), or in a question that asks what something is
    // ("what is a pulmonary embolism"), is what the reader wants.
    const defining = DEFINING.some((start) => start.every((w, i) => all[i] === w));
    const asked = new Set(referenceTitles
      .filter((r) => (pointed.has(r.key) || (defining && r.key === GLOSSARY)) && find(sequence, r.title))
      .flatMap((r) => [r.location, r.key]));
    return { raw, own, added, pointed, explained, corrected, asked };
  }

  const signLocations = new Set(docs.filter((d) => d.tier).map((d) => d.location));

  // The sections of the pages of advice whose heading names a part of the leg other than the calf
  // ("During a cramp in the thigh or foot"), in the order of ADVICE: what to do for a cramp there.
  const advised = ADVICE.flatMap((key) => docs.filter((d) => d.pageKey === key && d.location.includes("#") && !d.copy)
    .map((d) => ({ doc: d, parts: new Set(words(d.title).map(stem).filter((t) => where.has(t) && !generic.has(t))) })))
    .filter((a) => a.parts.size);
  const adviceFor = (parts) => advised.find((a) => [...parts].some((t) => a.parts.has(t)))?.doc;

  const common = (term) => (sectionCount.get(term) || 0) > settings.commonShare * sections;

  // Reference pages (sources, glossary, changes) answer "what does it mean" and "where is this
  // from"; for anything else a topic page should come first, unless the query asks for that very
  // entry (see `asked` above).
  const referenceWeight = (key, location, asked) =>
    (REFERENCE_PAGES.includes(key) && !asked.has(location) ? settings.referenceWeight : 1);

  function run(terms, weights, { looser = false, prefixAt = -1, asked = new Set() } = {}, engine = mini,
               boost = settings.boost) {
    if (!terms.length) return [];
    return engine.search(terms.join(" "), {
      tokenize: (s) => s.split(" "),
      processTerm: (t) => t,
      boost,
      boostDocument: (id) => (engine === mini
        ? referenceWeight(docs[id].pageKey, docs[id].location, asked) * (docs[id].copy ? settings.copyWeight : 1)
        : referenceWeight(id, id, asked)),
      boostTerm: (term, i) => weights[i],
      // An English word on no page matches only itself, not the page words a letter or two away
      // ("waste" is not "paste"), unless nothing matched at all.
      fuzzy: (term) => (!looser && english.has(term) && !known.has(term) ? 0 : settings.typos(term.length) + (looser ? 1 : 0)),
      prefix: (term, i) => looser || (i === prefixAt && term.length >= 3),
      weights: { fuzzy: settings.fuzzyWeight, prefix: settings.prefixWeight },
      combineWith: "OR",
    });
  }

  function rank(found, pageHits, pointed, distinctive) {
    // A section the vocabulary names for a phrase in the query counts more, as its page does.
    const hits = found
      .map((h) => (pointed.has(docs[h.id].location) ? { ...h, score: h.score * settings.seeBoost } : h))
      .sort((a, b) => b.score - a.score);
    // Pages in order of their best section, plus a little for each other section that matches.
    const pages = new Map();
    for (const hit of hits) {
      const doc = docs[hit.id];
      const page = pages.get(doc.pageKey) || { key: doc.pageKey, best: 0, rest: 0, hits: [] };
      if (hit.score > page.best) {
        page.rest += page.best;
        page.best = hit.score;
      } else page.rest += hit.score;
      page.hits.push(hit);
      pages.set(doc.pageKey, page);
    }
    const topSection = hits.length ? hits[0].score : 1;
    const topPage = pageHits.length ? pageHits[0].score : 1;
    const wholeScore = new Map(pageHits.map((h) => [h.id, h.score / topPage]));
    const ranked = [...pages.values()].map((p) => ({
      ...p,
      score: (1 - settings.wholePage) * (p.best + settings.otherSections * Math.min(p.rest, p.best)) / topSection +
        settings.wholePage * (wholeScore.get(p.key) || 0),
    }));
    for (const p of ranked) if (pointed.has(p.key)) p.score *= settings.seeBoost;
    ranked.sort((a, b) => b.score - a.score);

    // A query that names a warning sign: that sign, and its page, first. Of the signs that score
    // near the best section, the one that covers most of the reader's words, so "red, hot, swollen
    // calf" leads to the calf sign, not to a shorter sign that mentions only "red" and "hot".
    const top = hits.length ? hits[0].score : 0;
    // A sign is named when the vocabulary points at it, or when it holds at least two of the reader's
    // own words that are neither cramp words nor common on the pages ("day", "night", "help"): one
    // shared word ("standing", "walking") is a coincidence, not a description of the sign.
    // When the vocabulary points at a section that is not a sign ("fluttering" -> muscle twitching),
    // the reader described that, and a sign sharing a word or two with it does not overrule it.
    const elsewhere = [...pointed].some((key) => key.includes("#") && !signLocations.has(key));
    const named = (h) => pointed.has(docs[h.id].location) ||
      (!elsewhere && h.terms.filter((t) => distinctive.has(t)).length >= settings.signWords);
    // A sign the vocabulary points at (the reader described it in everyday words) needs less.
    const share = (h) => (pointed.has(docs[h.id].location) ? settings.pointedSignShare : settings.signShare);
    // A pointed sign is held against the best section, not against a page's own entry: that entry
    // carries the page's search words and, when the vocabulary points at the page too ("kid" ->
    // children, "football" -> sport), its boost; it would otherwise outweigh the sign the reader
    // described ("kid hobbling since yesterday", "heard a pop in my calf playing football").
    const bestSection = (hits.find((h) => docs[h.id].location.includes("#")) || { score: top }).score;
    const against = (h) => (pointed.has(docs[h.id].location) ? bestSection : top);
    const signs = hits.filter((h) => docs[h.id].tier && h.score >= share(h) * against(h) && named(h));
    const coverage = (h) => new Set(h.queryTerms).size;
    const sign = signs.sort((a, b) => coverage(b) - coverage(a) || b.score - a.score)[0];
    if (sign) {
      const i = ranked.findIndex((p) => p.key === docs[sign.id].pageKey);
      const [page] = ranked.splice(i, 1);
      page.hits.sort((a, b) => (a === sign ? -1 : b === sign ? 1 : b.score - a.score));
      ranked.unshift(page);
    }
    return ranked;
  }

  // Each text's words with their stems, worked out once: the texts never change, queries do.
  const tokenCache = new Map();
  function tokensOf(text) {
    let tokens = tokenCache.get(text);
    if (!tokens) {
      tokens = [];
      for (const m of text.matchAll(/[\p{L}\p{N}’'`]+/gu)) {
        const w = fold(m[0]).replace(/[^\p{L}\p{N}]/gu, "");
        if (!STOP_WORDS.has(w)) tokens.push([m.index, m.index + m[0].length, stemmer(w)]);
      }
      tokenCache.set(text, tokens);
    }
    return tokens;
  }

  function highlight(text, terms, limit) {
    // The part of `text` around the first word that matched, with every matching word marked.
    const matches = tokensOf(text).filter((t) => terms.has(t[2]));
    let start = 0;
    if (limit && text.length > limit && matches.length) start = Math.max(0, matches[0][0] - 60);
    let end = limit ? Math.min(text.length, start + limit) : text.length;
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
    let out = start > 0 ? "… " : "";
    let at = start;
    for (const [a, b] of matches) {
      if (a < start || b > end) continue;
      out += escapeHtml(text.slice(at, a)) + "<mark>" + escapeHtml(text.slice(a, b)) + "</mark>";
      at = b;
    }
    out += escapeHtml(text.slice(at, end)) + (end < text.length ? " …" : "");
    return out;
  }

  function item(doc, score, terms, shown) {
    return {
      location: doc.location,
      title: highlight(doc.title, terms, 0),
      text: doc.text ? `<p>${highlight(doc.text, terms, 220)}</p>` : "",
      score,
      terms: shown,
    };
  }

  function answer(ranked, terms, shown) {
    // The theme shows ten pages at first and more as the reader scrolls; a page's best five sections.
    return ranked.slice(0, settings.maxPages).map((page) => {
      // The theme shows a page's first entry, and every other entry that scores as high, under the
      // page's title: so the best section goes first, and the page's own entry never leads.
      const sections = page.hits.filter((h) => docs[h.id].location !== page.key).slice(0, settings.maxSections);
      const group = sections.map((h, i) => item(docs[h.id], i === 0 ? Math.max(h.score, page.best) : h.score, terms, shown));
      if (!group.some((g) => g.location === page.key)) {
        const article = docs.find((d) => d.location === page.key);
        if (article) group.push(item(article, 0, terms, shown));
      }
      return group;
    });
  }

  // When nothing matches at all: the warning signs, the A to Z of everyday words, the overview.
  function fallback(query) {
    const note = "Nothing on this site matched “" + query.trim().slice(0, 60) + "”. If you are worried, check the warning signs.";
    const picks = ["when-to-see-a-doctor/", "symptom-index/", ""];
    return picks
      .map((key, i) => docs.find((d) => d.location === key))
      .filter(Boolean)
      .map((doc, i) => [{ location: doc.location, title: escapeHtml(doc.title), text: i === 0 ? `<p>${escapeHtml(note)}</p>` : "", score: 0, terms: {} }]);
  }

  function search(query) {
    const endsInWord = !/\s$/.test(query);
    const understood = understand(query, { typing: endsInWord });
    const { raw, own, added, pointed, explained, corrected, asked } = understood;
    if (!raw.length && !query.trim()) return { items: [] };
    // Each word once, at the weight of its best use: the reader's own, the vocabulary's less.
    const weight = new Map();
    own.forEach((t, i) => weight.set(t, Math.max(weight.get(t) || 0, (generic.has(t) ? settings.genericWeight : 1) *
                                                  (corrected.has(i) ? settings.correctedWeight : 1))));
    for (const t of added) weight.set(t, (generic.has(t) ? settings.genericWeight : 1) * settings.vocabularyWeight);
    const terms = [...weight.keys()];
    const weights = [...weight.values()];
    // The word being typed is the reader's last one, wherever it is in the list.
    const typed = own.length ? terms.indexOf(own[own.length - 1]) : -1;
    let options = { prefixAt: endsInWord ? typed : -1, asked };
    let hits = run(terms, weights, options);
    if (!hits.length) hits = run(terms, weights, (options = { looser: true, asked }));
    if (!hits.length) return { items: fallback(query) };
    const matched = new Set(hits.flatMap((h) => h.terms));
    // The theme lists the reader's words that matched nothing as "Missing"; a word the vocabulary
    // understood is not missing.
    const shown = Object.fromEntries(raw.map((w, i) => [w, matched.has(own[i]) || explained.has(own[i])]));
    const pageHits = run(terms, weights, options, pageIndex, settings.pageBoost);
    const ranked = rank(hits, pageHits, pointed, new Set(own.filter((t) => !generic.has(t) && !common(t))));
    if (own.length && own.every((t) => where.has(t)) && added.every((t) => where.has(t)) &&
        own.some((t) => generic.has(t))) {
      // Only "leg cramp" words, perhaps with where: the overview answers that best, unless the
      // reader names a part of the leg that a page of advice has a section for ("thigh cramp",
      // "hamstring cramp": what to do during a cramp in the thigh), which then leads.
      const parts = new Set([...own, ...added].filter((t) => !generic.has(t)));
      const advice = parts.size ? adviceFor(parts) : null;
      const i = ranked.findIndex((p) => p.key === (advice ? advice.pageKey : OVERVIEW));
      if (i > 0) ranked.unshift(...ranked.splice(i, 1));
      if (advice && i >= 0) {
        const { hits: sections } = ranked[0];
        const at = sections.findIndex((h) => h.id === advice.id);
        if (at > 0) sections.unshift(...sections.splice(at, 1));
      }
    }
    return { items: answer(ranked, new Set([...terms, ...matched]), shown) };
  }

  return { search, understand };
}

// An age said in years ("my 6 year old", "an 85 year old", "aged 15", "im 67") becomes the word for
// that stage of life, which the vocabulary knows: a child, a teenager, an adult or an older person.
const AGE_AFTER = new Set(["year", "years", "yr", "yrs", "yo"]);
const AGE_BEFORE = new Set(["aged", "age", "im", "hes", "shes", "turned", "turning"]);
function ages(list) {
  const out = [];
  for (let i = 0; i < list.length; i++) {
    const w = list[i];
    if (!/^\d{1,3}$/.test(w) || !(AGE_AFTER.has(list[i + 1]) || AGE_BEFORE.has(list[i - 1]))) {
      out.push(w);
      continue;
    }
    const years = Number(w);
    out.push(years < 13 ? "child" : years < 18 ? "teenager" : years < 60 ? "adult" : "older");
    if (AGE_AFTER.has(list[i + 1])) i += list[i + 2] === "old" || list[i + 2] === "olds" ? 2 : 1;
  }
  return out;
}

// "causes#alcohol" -> "causes/", as the index writes page addresses; "index" is the overview, "".
function pageKeyOf(see) {
  const slug = see.split("#")[0];
  return slug === "index" ? OVERVIEW : slug + "/";
}

// Where the reader's words hold the phrase (the positions of its words), in its order, with at most
// `gap` other words between two of its words: "pull my toes" and "drink quite heavily" say "pull
// toes" and "drink heavily". Null when they do not.
function find(terms, phrase, gap = 0) {
  const from = (i, j) => {
    if (j === phrase.length) return [];
    for (let k = i; k < Math.min(terms.length, i + 1 + (j ? gap : terms.length)); k++) {
      if (terms[k] !== phrase[j]) continue;
      const rest = from(k + 1, j + 1);
      if (rest) return [k, ...rest];
    }
    return null;
  };
  return phrase.length ? from(0, 0) : null;
}

function sameLetters(a, b) {
  return [...a].sort().join("") === [...b].sort().join("");
}

// The number of letters added, dropped, changed or swapped with a neighbour that turn `a` into `b`
// (optimal string alignment), or more than `limit` once it is clear there are more.
function editDistance(a, b, limit) {
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      const swap = before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swap) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
      smallest = Math.min(smallest, d);
    }
    if (smallest > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

// english.js's list: the stems of common English words, in order, each written as how many letters
// it shares with the one before (0 to 9) and then the rest ("0abandon7ment" is "abandon",
// "abandonment"), which keeps the list small.
export function unpack(packed) {
  const out = new Set();
  let previous = "";
  for (const [, shared, rest] of packed.matchAll(/(\d)([a-z]*)/g)) {
    previous = previous.slice(0, Number(shared)) + rest;
    out.add(previous);
  }
  return out;
}
