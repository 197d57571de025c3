// End-to-end driver: headless Chromium on the Microsoft 365 Agents Playground (Teams' own card
// renderer), talking to a bot the caller has started. Writes a PNG per step and prints ONE JSON
// line on stdout at the end (progress goes to stderr):
//
//   node tests/e2e/playground.mjs --url http://127.0.0.1:56150 --out artifacts/e2e
//        [--scenario homeoffice
//         | --scenario cards --cards good,unknown-element,... [--clean good] [--reload-every N]]
//        [--card-width 343]
//
//   {"ok": true, "scenario": "homeoffice", "screenshots": "/abs/dir", "seconds": 10.3,
//    "steps": [{"name": "greeting", "ok": true, "expectProblems": false, "seconds": 0.4,
//               "screenshot": "/abs/dir/greeting.png", "problems": [], "notes": [...]}, ...],
//    "blocked": ["res-1.cdn.office.net"]}            (+ "error" when the run itself broke)
//
// Scenario `homeoffice` walks the bot's main path (greeting, language, check-in, receipt, help,
// trend, settings, then the home-office agreement from its first step to the summary sent) and
// stops at the first failed step. Scenario `cards` sends each name in --cards as a message and
// reports what is wrong with the answer; the names in --clean (default: `good`) must show
// cleanly and every other name is expected to be flagged. Both the negative test (broken cards)
// and the card gallery (the bot's real cards, all in --clean) run it against
// tests/e2e/stub_bot.mjs. With --reload-every N the page is loaded again, with a new and empty
// chat, after every N cards: the Playground redraws the whole chat on each message, so a chat
// of 50 cards takes seconds a step.
//
// With --card-width N every card is drawn N CSS pixels wide: 343 is the card in Teams on a phone
// 375 pixels wide (an iPhone held upright, 16 px margins). The Playground's own page cannot be
// shrunk to a phone's window instead: below about 800 px its log panel covers the chat.
//
// The run has a deadline of 240 s and waits up to 45 s for any one thing; it loads nothing from
// outside loopback (other hosts are blocked and listed under "blocked").
//
// A step fails when the Playground cannot show the bot's card. The Playground hides most broken
// cards instead of showing an error: its Adaptive Cards renderer drops an unknown element or
// action type without a trace, and still draws a card with an unsupported version or without
// `"type": "AdaptiveCard"`. So the driver instruments the renderer: it patches the Playground's
// bundle as the browser loads it, so each rendered card carries the renderer's own parse and
// validation events in a `data-e2e-events` attribute (see RENDERER_PATCH). A step also fails on
// the Playground's own placeholders ("Invalid message", "<type> is not supported yet"), on an
// error or unexpected warning in its log panel, on a non-2xx request in that log, on a page
// error, and on a card panel without a rendered card.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Belt and braces under the request filter below: no name but loopback resolves at all.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const WAIT_MS = 45_000; // one reply on a busy 2-core machine takes well under a second
const DEADLINE_MS = 600_000; // the whole run (the gallery: ~150 cards, about 150 s with both widths drawn at once on 2 quiet cores); the wrapper allows a little more

const MESSAGE_BOX = 'div[role="textbox"][contenteditable="true"]';
// A message in the chat is the block that holds its header; the bot's header names an author.
// Both are counted and found by the browser's own :has(): Playwright's selector engine walks
// the whole chat for each element it tries, which takes seconds per query once a few dozen
// cards are in it. A message found is pinned by a `data-e2e-message` attribute (botMessage()).
const BOT_MESSAGE = 'div:has(> [aria-label="Message header"] > [aria-label="Message author"])';
const USER_MESSAGE = `div:has(> [aria-label="Message header"]):not(${BOT_MESSAGE.slice(3)})`;
const PINNED = 'data-e2e-message';
const LOG_ENTRIES = 'div[contenteditable="true"][spellcheck="false"]:not([role="textbox"]) > div';

// -- renderer instrumentation ------------------------------------------------------------------

// In Playground 0.2.28 the card component parses the payload and renders it like this (minified):
//   e.payload&&t.parse(<preprocess>(e.payload),new Gz),(0,te.jsx)("div",{className:"ac-preview-panel",children:...
// where `t` is the AdaptiveCard, `Gz` the SerializationContext class and `WB` the ValidationEvent
// enum. The patch keeps the context and puts the renderer's events on the panel element.
const RENDERER_PATCH = {
  from: 'new Gz),(0,te.jsx)("div",{className:"ac-preview-panel",children:',
  to:
    't.__e2eContext=new Gz),(0,te.jsx)("div",{className:"ac-preview-panel",' +
    '"data-e2e-events":__e2eCardEvents(t,WB),children:',
};

// Runs in the page before the Playground's own scripts.
function installCardEventsHook() {
  window.__e2eCardEvents = (card, names) => {
    const events = [];
    const name = (event) => names[event] ?? String(event);
    const context = card.__e2eContext;
    if (!context) {
      events.push({ phase: 'parse', event: 'NoPayload', message: 'the attachment has no card' });
    } else {
      for (let i = 0; i < context.eventCount; i++) {
        const e = context.getEventAt(i);
        events.push({ phase: 'parse', event: name(e.event), message: e.message });
      }
    }
    try {
      for (const e of card.validateProperties().validationEvents ?? []) {
        events.push({ phase: 'validation', event: name(e.event), message: e.message });
      }
    } catch (error) {
      events.push({ phase: 'validation', event: 'Exception', message: String(error) });
    }
    return JSON.stringify(events);
  };
}

// Renderer events that do not stop a card from showing what it should: the bot's own fields in
// an action's `data` ("Unknown property"), and accessibility advice (`speak`, input labels and
// error messages). They are reported as notes. Every other event fails the step, among them
// UnknownElementType, UnknownActionType, UnsupportedCardVersion, MissingCardType,
// InvalidPropertyValue, CollectionCantBeEmpty, DuplicateId and UnsupportedProperty.
const HARMLESS_EVENTS = new Set([
  'UnknownProperty',
  'PropertyShouldBeSet',
  'RequiredInputsShouldHaveLabel',
  'RequiredInputsShouldHaveErrorMessage',
  'Deprecated',
]);

// Log panel warnings about Playground limits that real Teams does not have.
const HARMLESS_LOG_WARNINGS = [
  /^Full width control is not supported yet in Microsoft 365 Agents playground/,
];

// A request in the log panel that did not succeed, in either direction, e.g.
// "User Application -> Microsoft 365 Agents Playground message 400" (the bot's answer refused) or
// "Microsoft 365 Agents Playground -> User Application invoke 500" (the bot failed).
const REFUSED_REQUEST = /-> (?:User Application|Microsoft 365 Agents Playground) \S+ [1345]\d\d\b/;

// The Playground's placeholders for a message it cannot show (its strings Message.InvalidMessage,
// Message.UnknownAttachment and Message.UnsupportedCard).
const PLACEHOLDERS = [/^Invalid message$/, /^.+ is not supported yet$/];

// Runs in the page before the Playground's own scripts: every card `width` pixels wide.
function installCardWidth(width) {
  const style = document.createElement('style');
  style.textContent =
    `.ac-preview-panel { width: ${width}px !important; max-width: ${width}px !important; ` +
    'min-width: 0 !important; }';
  document.addEventListener('DOMContentLoaded', () => document.head.append(style));
}

// -- page functions (run in the browser on a message element) -------------------------------------

// The message's card panels and the placeholder texts it shows outside them.
function inspect(root, placeholderSources) {
  const placeholders = placeholderSources.map((s) => new RegExp(s));
  const panels = [...root.querySelectorAll('.ac-preview-panel')].map((panel) => ({
    events: panel.getAttribute('data-e2e-events'),
    rendered: panel.querySelector('.ac-adaptiveCard') !== null,
    visible: panel.getBoundingClientRect().height > 0,
  }));
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.closest('.ac-preview-panel')) continue; // the card's own text is the bot's
    const own = [...node.childNodes]
      .filter((c) => c.nodeType === Node.TEXT_NODE)
      .map((c) => c.textContent.trim())
      .join(' ')
      .trim();
    if (own && placeholders.some((p) => p.test(own))) texts.push(own);
  }
  return { panels, placeholders: texts };
}

// -- helpers -------------------------------------------------------------------------------------

function log(message) {
  process.stderr.write(`e2e: ${message}\n`);
}

class StepFailure extends Error {}

// Ends a scenario after its first failed step: the later steps build on it.
class Aborted extends Error {}

function squash(text) {
  return text.replace(/\s+/g, ' ').trim();
}

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      out: { type: 'string' },
      scenario: { type: 'string', default: 'homeoffice' },
      cards: { type: 'string', default: '' },
      // In scenario `cards`: the names whose answers must show without a problem.
      clean: { type: 'string', default: 'good' },
      // In scenario `cards`: a new, empty chat after this many cards (0: one chat for all).
      'reload-every': { type: 'string', default: '0' },
      // A command (JSON array) that opens a round; its card must reach the chat proactively.
      'round-command': { type: 'string', default: '' },
      // Every card this many CSS pixels wide, as on a phone (0: as the Playground lays it out).
      'card-width': { type: 'string', default: '0' },
    },
  });
  if (!values.url || !values.out) {
    throw new Error('usage: playground.mjs --url http://127.0.0.1:PORT --out DIR [--scenario ...]');
  }
  return values;
}

class Run {
  constructor(page, outDir, { failFast }) {
    this.page = page;
    this.failFast = failFast;
    this.outDir = outDir;
    this.steps = [];
    this.pageErrors = [];
    this.consoleErrors = [];
    this.seenLogEntries = 0;
    this.logMark = 0;
    // Clicks (taps on a phone) from a check-in card to its receipt, one figure per card.
    this.checkinTaps = [];
  }

  async count(selector) {
    return this.page.evaluate((s) => document.querySelectorAll(s).length, selector);
  }

  async countBotMessages() {
    return this.count(BOT_MESSAGE);
  }

  // The bot's message at `index` in the chat (0: the first), pinned so that later queries
  // find it directly; React keeps the element when Teams replaces the card in place.
  async botMessage(index) {
    const found = await this.page.evaluate(
      ([selector, i, attribute]) => {
        const message = document.querySelectorAll(selector)[i];
        message?.setAttribute(attribute, String(i));
        return Boolean(message);
      },
      [BOT_MESSAGE, index, PINNED],
    );
    if (!found) throw new StepFailure(`the chat has no bot message ${index + 1}`);
    return this.page.locator(`[${PINNED}="${index}"]`);
  }

  // Waits until `check()` returns a truthy value, and returns it. Fails at once when the log
  // panel shows a failed request (an answer the Playground refused, an invoke the bot failed)
  // since the last message was sent: the awaited thing will then never come.
  async until(what, check, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    for (;;) {
      const value = await check();
      if (value) return value;
      const refused = await this.refusedSince(this.logMark);
      if (refused)
        throw new StepFailure(
          `the Playground log shows a failed request while waiting for ${what}: ${refused}`,
        );
      if (Date.now() > end)
        throw new StepFailure(`timed out after ${timeout / 1000} s waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 150)); // polling interval
    }
  }

  async refusedSince(mark) {
    const entries = await this.page.locator(LOG_ENTRIES).allInnerTexts();
    const bad = entries
      .slice(mark)
      .map(squash)
      .find((e) => REFUSED_REQUEST.test(e));
    return bad ?? null;
  }

  // Types `text` into the message box and sends it; resolves when it shows as the user's message.
  async say(text) {
    const userCount = await this.count(USER_MESSAGE);
    this.logMark = await this.page.locator(LOG_ENTRIES).count();
    const box = this.page.locator(MESSAGE_BOX);
    await box.click({ timeout: WAIT_MS });
    await box.fill(text, { timeout: WAIT_MS });
    await this.until(
      `the message box to hold "${text}"`,
      async () => squash(await box.innerText()) === text,
    );
    await box.press('Enter', { timeout: WAIT_MS });
    await this.until(
      `"${text}" to show as sent`,
      async () => (await this.count(USER_MESSAGE)) > userCount,
    );
  }

  // Sends `text` and returns the bot's first new message (a locator pinned to its index).
  async ask(text) {
    const before = await this.countBotMessages();
    await this.say(text);
    await this.until(
      `the bot's answer to "${text}"`,
      async () => (await this.countBotMessages()) > before,
    );
    const message = await this.botMessage(before);
    // The message is drawn when it shows a card or one of the Playground's placeholders; what it
    // shows is judged by cardProblems() after the step.
    await this.until(
      'the answer to be drawn',
      async () => {
        const found = await message.evaluate(
          inspect,
          PLACEHOLDERS.map((p) => p.source),
        );
        return found.panels.some((panel) => panel.rendered) || found.placeholders.length > 0;
      },
      10_000,
    ).catch(() => {});
    return message;
  }

  async waitForText(locator, text, what) {
    const found = locator.getByText(text, { exact: false }).first();
    try {
      await this.until(`${what} (“${text}”)`, () => found.isVisible());
    } catch (error) {
      const shown = squash(await locator.innerText().catch(() => '')).slice(0, 400);
      throw new StepFailure(`${error.message}; shown: ${JSON.stringify(shown)}`);
    }
  }

  // Fails the step now when `message` shows a card the Playground cannot show; for a card the
  // step replaces before it ends (the step's own check sees only the last one).
  async checkDrawn(message, what) {
    const { problems, notes } = await this.cardProblems(message);
    const record = this.steps.at(-1);
    if (record) record.notes.push(...notes.filter((note) => !record.notes.includes(note)));
    if (problems.length) throw new StepFailure(`${what}: ${problems.join('; ')}`);
  }

  // Everything that says the Playground could not show `message` as the bot meant it.
  async cardProblems(message) {
    const problems = [];
    const notes = [];
    const found = await message.evaluate(
      inspect,
      PLACEHOLDERS.map((p) => p.source),
    );

    for (const text of found.placeholders)
      problems.push(`the Playground shows “${text}” instead of the message`);
    if (found.panels.length === 0 && found.placeholders.length === 0) {
      problems.push('the message has no card');
    }
    for (const [i, panel] of found.panels.entries()) {
      const where = found.panels.length > 1 ? `card ${i + 1}: ` : '';
      if (!panel.rendered || !panel.visible) problems.push(`${where}the renderer drew no card`);
      if (panel.events === null) {
        problems.push(`${where}the renderer instrumentation is missing (was the bundle patched?)`);
        continue;
      }
      for (const e of JSON.parse(panel.events)) {
        const line = `${where}renderer ${e.phase} ${e.event}: ${e.message}`;
        (HARMLESS_EVENTS.has(e.event) ? notes : problems).push(line);
      }
    }
    return { problems, notes: [...new Set(notes)] };
  }

  // New entries in the Playground's log panel since the last call.
  async logProblems() {
    const problems = [];
    const entries = await this.page.locator(LOG_ENTRIES).allInnerTexts();
    if (entries.length === 0) return ['the Playground log panel was not found'];
    const fresh = entries.slice(this.seenLogEntries);
    this.seenLogEntries = entries.length;
    for (const raw of fresh) {
      const entry = squash(raw).replace(/^\[[^\]]*\]\s*/, '');
      const level = /^\(!\) Warning: (.*)$/.exec(entry) ?? /^\(×\) Error: (.*)$/.exec(entry);
      if (level && !HARMLESS_LOG_WARNINGS.some((p) => p.test(level[1]))) {
        problems.push(`Playground log: ${entry}`);
      }
      if (REFUSED_REQUEST.test(entry)) problems.push(`Playground log: ${entry}`);
    }
    return problems;
  }

  // Late log entries (a warning written after its step was checked) fail the run too, as a
  // step of their own named `log`.
  async checkLateLog() {
    const late = await this.logProblems();
    if (late.length) {
      this.steps.push({
        name: 'log',
        ok: false,
        expectProblems: false,
        seconds: 0,
        screenshot: null,
        problems: late,
        notes: [],
      });
    }
  }

  // A new, empty chat: the page loaded again, with a new conversation and a new log panel. The
  // Playground draws every card in the chat again on each new message, so in a long chat each
  // step takes longer than the one before.
  async freshChat() {
    await this.checkLateLog();
    await this.page.reload({ waitUntil: 'domcontentloaded', timeout: WAIT_MS });
    await this.page.locator(MESSAGE_BOX).waitFor({ timeout: WAIT_MS });
    this.seenLogEntries = 0;
    this.logMark = 0;
  }

  async screenshot(name, target) {
    const file = path.join(this.outDir, `${name}.png`);
    try {
      if (target) {
        await target.scrollIntoViewIfNeeded({ timeout: 5_000 });
        await target.screenshot({ path: file, timeout: 15_000, animations: 'disabled' });
      } else {
        await this.page.screenshot({ path: file, timeout: 15_000, animations: 'disabled' });
      }
      return file;
    } catch (error) {
      log(`screenshot ${name} failed: ${error.message.split('\n')[0]}`);
      return null;
    }
  }

  // Runs one step: `body` returns the message to check and photograph.
  async step(name, body, { expectProblems = false } = {}) {
    const started = Date.now();
    const record = {
      name,
      ok: false,
      expectProblems,
      seconds: 0,
      screenshot: null,
      problems: [],
      notes: [],
    };
    this.steps.push(record);
    let message = null;
    try {
      message = await body();
      if (message) {
        const { problems, notes } = await this.cardProblems(message);
        record.problems.push(...problems);
        record.notes.push(...notes.filter((note) => !record.notes.includes(note)));
      }
    } catch (error) {
      if (error instanceof StepFailure) record.problems.push(error.message);
      else if (error?.name === 'TimeoutError')
        record.problems.push(`timed out: ${error.message}`); // Playwright's, with its call log
      else record.problems.push(`driver error: ${error?.stack ?? error}`);
    }
    record.problems.push(...(await this.logProblems().catch((e) => [`log panel: ${e.message}`])));
    record.problems.push(...this.pageErrors.splice(0).map((e) => `page error: ${e}`));
    record.notes.push(...this.consoleErrors.splice(0).map((e) => `console: ${e}`));
    record.screenshot = await this.screenshot(name, message);
    record.ok = record.problems.length === 0;
    record.seconds = Math.round((Date.now() - started) / 100) / 10;
    const verdict = record.ok ? 'ok' : expectProblems ? 'flagged' : 'FAILED';
    const details = record.problems.map((problem) => `\n  ${problem}`).join('');
    log(`${name}: ${verdict} in ${record.seconds} s${details}`);
    if (!record.ok && this.failFast) throw new Aborted(name);
    return record;
  }
}

// -- scenarios -----------------------------------------------------------------------------------

// The texts the bot's cards show (locale/*/LC_MESSAGES/messages.po).
const TEXT = {
  // The install names no one; the bot asks Teams' member lookup for the name (Playground: Alex).
  greeting: /Hi Alex! I am the home-office bot|Hei Alex! Jeg er hjemmekontor-boten/,
  settingsTitleEn: 'Settings',
  // Each language is named in its own language, whatever the card's language.
  bokmal: 'Norsk (bokmål)',
  save: 'Save',
  saved: 'Innstillingene er lagret.',
  checkinTitle: 'Ukens innsjekk',
  submit: 'Send inn',
  receipt: 'Takk for svarene dine!',
  helpTitle: 'Dette kan jeg hjelpe med',
  trendTitle: 'Min utvikling',
  chartTitle: 'Stress og sosial kontakt',
  settingsTitle: 'Innstillinger',
  // The home-office agreement (cards/agreement.py). A title matches only as a whole; the step
  // number is in the line above it ("steg 1 av 6"), since "1. Arbeidsoppgaver" as a title was
  // drawn as a Markdown list.
  agreement: 'avtale',
  next: 'Neste',
  tasksTitle: /^Arbeidsoppgaver$/,
  concentration: 'Konsentrasjonsarbeid',
  extentTitle: /^Omfang$/,
  // The days step offers only what the rules allow (0–3); 3 needs a reason.
  threeDays: '3 (med begrunnelse)',
  reasonNeeded: 'avtales bare med en begrunnelse',
  fixedDays: 'faste dager',
  weekdaysTitle: /^Faste dager$/,
  monday: 'mandag',
  wednesday: 'onsdag',
  ergonomicsTitle: /^Ergonomi$/,
  ownRoom: 'Eget arbeidsrom',
  desk: 'Skrivebord',
  chair: 'Kontorstol',
  equipmentTitle: /^Utstyr$/,
  standardPackage: /^2 Standard/,
  // The standard package's IT items (domain/agreement.py PRICES): kr 4 200 together.
  itItems: ['Ekstern skjerm', 'Tastatur', 'Mus,', 'Hodesett', 'Dokkingstasjon'],
  itLimit: /IKT-utstyr \(til sammen høyst kr 3\s000\)/,
  overLimit: /kommer på kr 4\s200; standardpakken dekker høyst kr 3\s000/,
  dockingStation: 'Dokkingstasjon',
  networkTitle: /^Nettverk$/,
  privateNetwork: 'Privat nettverk',
  // The terms hjemmekontorforskriften § 2 asks for: the municipality's defaults, one tap.
  termsTitle: /^Vilkår$/,
  acceptTerms: 'Godta vilkårene',
  confidentiality: 'Taushetsplikt og dokumenter',
  summaryTitle: 'Forslag til avtale, versjon 1',
  twoDays: '2 dager i uken',
  changeDays: 'Endre dagene',
  mondayWednesday: 'mandag, onsdag',
  // The Playground's user leads a team but has no leader: with none to send to, the button saves.
  send: 'Lagre forslaget',
  noLeader: 'Lagret – ingen leder ennå',
  // The week plan (cards/week.py).
  teamTitle: /^Mitt team$/,
  teamDaysOpen: 'Se og endre fellesdager og ukekort',
  // The team card has a section of that title too: the intro is the team days card's own.
  teamDaysIntro: 'Dagene teamet møtes på kontoret.',
  tuesday: 'tirsdag',
  teamDaysSave: 'Lagre fellesdagene',
  teamDaysSaved: 'Fellesdagene er lagret.',
  weekTitle: /^Min uke: uke \d+$/,
  teamDayShown: 'Teamets fellesdager: tirsdag',
  nextWeek: 'Neste uke',
  wednesdayHome: 'onsdag: hjemme',
  wednesdayOffice: 'onsdag: kontoret',
  weekSaved: 'Lagret.',
};

// The ISO week number of the date `days` days from now (the bot's week titles use it).
function isoWeek(days) {
  const now = new Date(Date.now() + days * 86_400_000);
  const d = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return Math.ceil(((d - yearStart) / 86_400_000 + 1) / 7);
}

// Answers every item of a check-in card (`offset` varies the answers): a tap on one of the radio
// buttons each item shows (Input.ChoiceSet, style expanded). Returns the chosen labels and the
// clicks it took (`run.checkinTaps` gets the figure, Send included, when the card is sent).
async function fillIn(run, card, offset) {
  const radios = card.locator('input[type="radio"]');
  const names = [];
  for (const name of await radios.evaluateAll((all) => all.map((r) => r.name))) {
    if (!names.includes(name)) names.push(name);
  }
  if (names.length < 2)
    throw new StepFailure(`expected radio buttons for each item, found ${names.length} sets`);
  const chosen = [];
  let taps = 0;
  for (let i = 0; i < names.length; i++) {
    const options = card.locator(`input[type="radio"][name="${names[i]}"]`);
    const count = await options.count();
    if (count !== 5) throw new StepFailure(`item ${i + 1} offers ${count} answers, not 1–5`);
    const option = options.nth((i + offset) % count);
    const label = squash(
      await option.evaluate((r) => (r.labels?.[0] ? r.labels[0].innerText : r.ariaLabel ?? '')),
    );
    await option.check({ timeout: WAIT_MS });
    taps += 1;
    await run.until(`item ${i + 1} to show “${label}” chosen`, () => option.isChecked());
    chosen.push(label);
  }
  return { chosen, taps };
}

// Submits a filled-in check-in card; the receipt must take its place and show the answers.
async function submitted(run, card, { chosen, taps }) {
  if (!card || chosen.length === 0) throw new StepFailure('the check-in card was not filled in');
  await card.getByRole('button', { name: TEXT.submit, exact: true }).click({ timeout: WAIT_MS });
  run.checkinTaps.push(taps + 1);
  log(`check-in: ${taps + 1} clicks from the card to the receipt (${chosen.length} items)`);
  await run.waitForText(card, TEXT.receipt, 'the receipt in place of the check-in card');
  const inputs = await card.locator('input, textarea, select').count();
  if (inputs > 0)
    throw new StepFailure(`the receipt still has ${inputs} inputs: the check-in card is not gone`);
  const shown = await card.innerText();
  const missing = [...new Set(chosen)].filter((label) => !shown.includes(label));
  if (missing.length)
    throw new StepFailure(`the receipt does not show the answers ${JSON.stringify(missing)}`);
  return card;
}

// Chooses `label` in the card's compact dropdown named `name`.
async function choose(run, card, name, label) {
  const box = card.getByRole('combobox', { name });
  await box.click({ timeout: WAIT_MS });
  const id = await run.until(`dropdown “${name}” to open`, () => box.getAttribute('aria-controls'));
  const option = run.page
    .locator(`[role="listbox"][id="${id}"]`)
    .getByRole('option', { name: label, exact: true });
  await option.click({ timeout: WAIT_MS });
  await run.until(
    `dropdown “${name}” to show “${label}”`,
    async () => (await box.inputValue()) === label,
  );
}

// Presses `button` on `card`, whose answer comes back as the invoke's response, and waits for
// `expected` in the same message: Teams replaces the card in place, no new message comes. The
// card pressed on is checked and photographed (`shot`) first, since it is gone by the step's end.
async function pressInPlace(run, card, { button, expected, what, shot }) {
  await run.checkDrawn(card, `the card before “${button}”`);
  await run.screenshot(shot, card);
  const before = await run.countBotMessages();
  run.logMark = await run.page.locator(LOG_ENTRIES).count(); // a failed invoke fails at once
  await card.getByRole('button', { name: button, exact: true }).click({ timeout: WAIT_MS });
  await run.waitForText(card, expected, what);
  const after = await run.countBotMessages();
  if (after !== before)
    throw new StepFailure(`“${button}” sent ${after - before} new message(s) instead of an update`);
  return card;
}

async function homeoffice(run, roundCommand) {
  // The Playground installs the bot when the page opens; the greeting is the first message. Its
  // client says en-US on every activity, so the bot starts in English.
  await run.step('greeting', async () => {
    await run.until('the greeting after install', async () => (await run.countBotMessages()) > 0);
    const message = await run.botMessage(0);
    await run.waitForText(message, TEXT.greeting, 'the greeting card');
    return message;
  });

  // Bokmål first: a Norwegian user on an English client picks bokmål under `innstillinger`.
  await run.step('language', async () => {
    const message = await run.ask('innstillinger');
    await run.waitForText(message, TEXT.settingsTitleEn, 'the settings card');
    await message.getByRole('radio', { name: TEXT.bokmal }).check({ timeout: WAIT_MS });
    await message.getByRole('button', { name: TEXT.save, exact: true }).click({ timeout: WAIT_MS });
    await run.waitForText(message, TEXT.saved, 'the saved settings card in bokmål');
    return message;
  });

  let checkin = null;
  const filled = { chosen: [], taps: 0 };
  await run.step('checkin', async () => {
    checkin = await run.ask('sjekk inn');
    await run.waitForText(checkin, TEXT.checkinTitle, 'the check-in card');
    await checkin.locator('.ac-adaptiveCard').first().waitFor({ timeout: WAIT_MS });
    return checkin;
  });

  await run.step('checkin-filled', async () => {
    if (!checkin) throw new StepFailure('no check-in card to fill in');
    Object.assign(filled, await fillIn(run, checkin, 0));
    return checkin;
  });

  await run.step('receipt', () => submitted(run, checkin, filled));

  // A round opened by the schedule's own code path (`round open`) reaches the chat unasked.
  let rounds = 1;
  let asked = 0; // items its card asked
  if (roundCommand.length) {
    let proactive = null;
    const again = { chosen: [], taps: 0 };
    await run.step('proactive-card', async () => {
      const before = await run.countBotMessages();
      const [command, ...args] = roundCommand;
      execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: WAIT_MS });
      await run.until('the proactive check-in card', async () => (await run.countBotMessages()) > before);
      proactive = await run.botMessage(before);
      await run.waitForText(proactive, TEXT.checkinTitle, 'the proactive check-in card');
      Object.assign(again, await fillIn(run, proactive, 1));
      return proactive;
    });
    await run.step('proactive-receipt', () => submitted(run, proactive, again));
    rounds = 2;
    asked = again.chosen.length;
  }

  await run.step('help', async () => {
    const message = await run.ask('hjelp');
    await run.waitForText(message, TEXT.helpTitle, 'the help card');
    return message;
  });

  await run.step('trend', async () => {
    const message = await run.ask('min utvikling');
    await run.waitForText(message, TEXT.trendTitle, 'the trend card');
    // A table (header + a row per item); a line chart once there are two rounds.
    const rows = message.locator('.ac-adaptiveCard [role="row"], .ac-adaptiveCard tr');
    await rows
      .first()
      .waitFor({ timeout: WAIT_MS })
      .catch(() => {
        throw new StepFailure('the trend card shows no table');
      });
    // A row per item answered at least once: the rounds ask some of the items each, in turn.
    const count = await rows.count();
    const fewest = Math.max(filled.chosen.length, asked) + 1;
    if (count < fewest || count > filled.chosen.length + asked + 1) {
      throw new StepFailure(`the trend table has ${count} rows, expected ${fewest} or a few more`);
    }
    const charts = message.locator('.ac-adaptiveCard svg, .ac-adaptiveCard canvas');
    if (rounds > 1) {
      await run.waitForText(message, TEXT.chartTitle, 'the chart heading');
      await run.until('the line chart to be drawn', async () => (await charts.count()) > 0);
    } else if ((await charts.count()) > 0) {
      throw new StepFailure('a chart for a single round');
    }
    return message;
  });

  await run.step('settings', async () => {
    const message = await run.ask('innstillinger');
    await run.waitForText(message, TEXT.settingsTitle, 'the settings card in bokmål');
    const radio = message.getByRole('radio', { name: TEXT.bokmal });
    if (!(await radio.isChecked({ timeout: WAIT_MS })))
      throw new StepFailure('bokmål is not the chosen language');
    return message;
  });

  await agreement(run);
  await week(run);
}

// The week plan (issue 17): the leader sets a team day in `mitt team`, then changes one day of
// next week in `min uke`, each card replaced in place. The test put the Playground's user in
// the directory as the leader of a small team.
async function week(run) {
  await run.step('team-days', async () => {
    const message = await run.ask('mitt team');
    await run.waitForText(message, TEXT.teamTitle, 'the team card');
    await pressInPlace(run, message, {
      button: TEXT.teamDaysOpen,
      expected: TEXT.teamDaysIntro,
      what: 'the team days card',
      shot: 'team-days-team',
    });
    const tuesday = message.getByRole('checkbox', { name: TEXT.tuesday });
    await tuesday.check({ timeout: WAIT_MS });
    await pressInPlace(run, message, {
      button: TEXT.teamDaysSave,
      expected: TEXT.teamDaysSaved,
      what: 'the team days saved',
      shot: 'team-days-chosen',
    });
    if (!(await tuesday.isChecked({ timeout: WAIT_MS })))
      throw new StepFailure('Tuesday is not ticked on the saved card');
    return message;
  });

  await run.step('min-uke', async () => {
    const message = await run.ask('min uke');
    await run.waitForText(message, TEXT.weekTitle, 'the week card');
    await run.waitForText(message, TEXT.teamDayShown, 'the team day on the week');
    // Next week: every day of it is ahead, so each has its button whatever today is.
    await pressInPlace(run, message, {
      button: TEXT.nextWeek,
      expected: new RegExp(`^Min uke: uke ${isoWeek(7)}$`),
      what: 'next week in place',
      shot: 'min-uke-this-week',
    });
    await pressInPlace(run, message, {
      button: TEXT.wednesdayHome,
      expected: TEXT.weekSaved,
      what: 'Wednesday changed to a day at home',
      shot: 'min-uke-next-week',
    });
    await run.waitForText(message, TEXT.wednesdayOffice, 'the button that takes it back');
    return message;
  });
}

// The home-office agreement conversation: six step cards (and the weekdays after fixed days),
// each replaced in place by the next, then the summary, one part changed from it, and its
// dispatch. The Playground's user is not in the organisation directory,
// so the proposal is kept for a leader to come. Each step's screenshot shows the card it ends
// with; `<step>-filled.png` (and `avtale-extent-refused.png`) the card it answered.
async function agreement(run) {
  let card = null; // the one message all the steps take place in
  const step = (name, body) =>
    run.step(name, async () => {
      if (!card) throw new StepFailure('no agreement card to go on with');
      return body(card);
    });
  const next = (message, expected, what, shot) =>
    pressInPlace(run, message, { button: TEXT.next, expected, what, shot });

  await run.step('avtale-tasks', async () => {
    const message = await run.ask(TEXT.agreement);
    await run.waitForText(message, TEXT.tasksTitle, 'the first step of the agreement');
    card = message;
    await message.getByRole('checkbox', { name: TEXT.concentration }).check({ timeout: WAIT_MS });
    return next(message, TEXT.extentTitle, 'the extent step', 'avtale-tasks-filled');
  });

  await step('avtale-extent', async (message) => {
    // Three days without a reason: refused on the same card, with the rule, what to do, and the
    // answer kept.
    const three = message.getByRole('radio', { name: TEXT.threeDays, exact: true });
    await three.check({ timeout: WAIT_MS });
    await next(message, TEXT.reasonNeeded, 'the rule on three days', 'avtale-extent-filled');
    await run.waitForText(message, TEXT.extentTitle, 'the extent step, still');
    if (!(await three.isChecked())) throw new StepFailure('the refused card lost the 3 days chosen');
    // Two fixed days: the weekdays come on a card of their own.
    await message.getByRole('radio', { name: '2', exact: true }).check({ timeout: WAIT_MS });
    await message.getByRole('radio', { name: TEXT.fixedDays }).check({ timeout: WAIT_MS });
    await next(message, TEXT.weekdaysTitle, 'the weekdays step', 'avtale-extent-refused');
    for (const day of [TEXT.monday, TEXT.wednesday])
      await message.getByRole('checkbox', { name: day }).check({ timeout: WAIT_MS });
    return next(message, TEXT.ergonomicsTitle, 'the ergonomics step', 'avtale-weekdays-filled');
  });

  await step('avtale-ergonomics', async (message) => {
    await message.getByRole('radio', { name: TEXT.ownRoom }).check({ timeout: WAIT_MS });
    for (const item of [TEXT.desk, TEXT.chair])
      await message.getByRole('checkbox', { name: item }).check({ timeout: WAIT_MS });
    return next(message, TEXT.equipmentTitle, 'the equipment step', 'avtale-ergonomics-filled');
  });

  await step('avtale-equipment', async (message) => {
    // The package first; the next card asks only for what that package needs.
    await message.getByRole('radio', { name: TEXT.standardPackage }).check({ timeout: WAIT_MS });
    return next(message, TEXT.itLimit, "the standard package's items", 'avtale-equipment-filled');
  });

  await step('avtale-equipment-items', async (message) => {
    // Every IT item: over the amount, refused with the sum and the limit, the ticks kept.
    for (const item of TEXT.itItems)
      await message.getByRole('checkbox', { name: item }).check({ timeout: WAIT_MS });
    await next(message, TEXT.overLimit, 'the sum and the limit', 'avtale-equipment-items-filled');
    const box = message.getByRole('checkbox', { name: TEXT.dockingStation });
    if (!(await box.isChecked())) throw new StepFailure('the refused card lost the ticks');
    await box.uncheck({ timeout: WAIT_MS });
    return next(message, TEXT.networkTitle, 'the network step', 'avtale-equipment-items-refused');
  });

  await step('avtale-network', async (message) => {
    await message.getByRole('radio', { name: TEXT.privateNetwork }).check({ timeout: WAIT_MS });
    return next(message, TEXT.termsTitle, 'the terms step', 'avtale-network-filled');
  });

  await step('avtale-terms', async (message) => {
    // The defaults accepted with one tap: straight to the summary, the terms in it.
    await run.waitForText(message, TEXT.confidentiality, 'the terms the law asks for');
    await pressInPlace(run, message, {
      button: TEXT.acceptTerms,
      expected: TEXT.summaryTitle,
      what: 'the summary',
      shot: 'avtale-terms-filled',
    });
    for (const fact of [TEXT.concentration, TEXT.twoDays, TEXT.confidentiality])
      await run.waitForText(message, fact, 'the summary to show the answers');
    return message;
  });

  await step('avtale-change', async (message) => {
    // One part changed from the summary: its cards, filled in as they were, then the summary.
    await pressInPlace(run, message, {
      button: TEXT.changeDays,
      expected: TEXT.extentTitle,
      what: 'the days step alone',
      shot: 'avtale-summary-to-change',
    });
    await next(message, TEXT.weekdaysTitle, 'the weekdays as chosen', 'avtale-change-extent');
    await next(message, TEXT.summaryTitle, 'the summary again', 'avtale-change-weekdays');
    for (const fact of [TEXT.concentration, TEXT.mondayWednesday])
      await run.waitForText(message, fact, 'the summary with every part kept');
    return message;
  });

  await step('avtale-sent', async (message) => {
    await pressInPlace(run, message, {
      button: TEXT.send,
      expected: TEXT.noLeader,
      what: 'the proposal kept without a leader',
      shot: 'avtale-summary',
    });
    const buttons = await message.locator('.ac-adaptiveCard button').count();
    if (buttons > 0) throw new StepFailure(`the notice has ${buttons} button(s), expected none`);
    return message;
  });
}

async function cards(run, names, clean, reloadEvery) {
  await run.step('installed', async () => {
    // The stub bot sends nothing on install; wait for the Playground to be ready.
    await run.page.locator(MESSAGE_BOX).waitFor({ timeout: WAIT_MS });
    return null;
  });
  for (const [i, name] of names.entries()) {
    if (reloadEvery > 0 && i > 0 && i % reloadEvery === 0) await run.freshChat();
    await run.step(name, () => run.ask(name), { expectProblems: !clean.has(name) });
  }
}

// -- main ----------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const options = parseCommandLine();
  const outDir = path.resolve(options.out);
  fs.mkdirSync(outDir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  const result = {
    ok: false,
    scenario: options.scenario,
    screenshots: outDir,
    seconds: 0,
    steps: [],
    blocked: [],
  };
  const blocked = new Set();
  let context = null;
  let run = null;
  const deadline = setTimeout(() => {
    result.error = `the run took longer than ${DEADLINE_MS / 1000} s`;
    result.steps = run?.steps ?? [];
    finish(result, started, profile, context).finally(() => process.exit(1));
  }, DEADLINE_MS);
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 1800 },
      locale: 'nb-NO',
      timezoneId: 'Europe/Oslo',
      serviceWorkers: 'block',
    });
    await context.addInitScript(installCardEventsHook);
    const cardWidth = Number(options['card-width']);
    if (cardWidth > 0) await context.addInitScript(installCardWidth, cardWidth);
    let patched = 0;
    // The Playground's server, busy on a loaded machine, has reset the connection for its
    // multi-megabyte bundle (ECONNRESET) while a reload was under way: ask again, briefly.
    const fetchWithRetries = async (route, attempts = 3) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await route.fetch();
        } catch (error) {
          if (attempt >= attempts) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        }
      }
    };
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return route.continue();
      if (!LOOPBACK_HOSTS.has(url.hostname)) {
        blocked.add(url.hostname);
        return route.abort('blockedbyclient');
      }
      if (/^\/static\/js\/main\.[0-9a-f]+\.js$/.test(url.pathname)) {
        const response = await fetchWithRetries(route);
        const body = await response.text();
        if (body.split(RENDERER_PATCH.from).length !== 2) {
          // Without the patch a broken card would pass unseen: refuse to test without it.
          result.error =
            'cannot instrument the card renderer: the Playground bundle changed (pinned 0.2.28?)';
          return route.fulfill({ response, body });
        }
        patched += 1;
        return route.fulfill({
          response,
          body: body.replace(RENDERER_PATCH.from, RENDERER_PATCH.to),
        });
      }
      return route.continue();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    run = new Run(page, outDir, { failFast: options.scenario !== 'cards' });
    page.on('pageerror', (error) =>
      run.pageErrors.push(String(error.message ?? error).split('\n')[0]),
    );
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      // Requests the filter above blocked (fonts and an animation worklet from Microsoft's CDN).
      if (
        /Failed to load resource: net::ERR_(BLOCKED_BY_CLIENT|FAILED)|Failed to load worklet module script/.test(
          text,
        )
      )
        return;
      run.consoleErrors.push(text.slice(0, 300));
    });
    await page.goto(options.url, { waitUntil: 'domcontentloaded', timeout: WAIT_MS });
    await page.locator(MESSAGE_BOX).waitFor({ timeout: WAIT_MS });
    if (result.error) throw new Error(result.error);
    if (patched === 0)
      throw new Error('the Playground bundle was not loaded through the instrumentation');

    if (options.scenario === 'homeoffice')
      await homeoffice(run, options['round-command'] ? JSON.parse(options['round-command']) : []);
    else if (options.scenario === 'cards')
      await cards(
        run,
        options.cards.split(',').filter(Boolean),
        new Set(options.clean.split(',').filter(Boolean)),
        Number(options['reload-every']),
      );
    else throw new Error(`unknown scenario ${options.scenario}`);

    await run.checkLateLog();
    // In `cards` the broken cards must be flagged and the clean ones must pass.
    result.ok = run.steps.every((s) => s.ok !== Boolean(s.expectProblems));
  } catch (error) {
    if (!(error instanceof Aborted)) result.error = result.error ?? String(error.stack ?? error);
  } finally {
    clearTimeout(deadline);
    if (run && !finished) await run.screenshot('playground'); // the whole window, for a look around
    result.steps = run?.steps ?? [];
    result.checkinTaps = run?.checkinTaps ?? [];
    result.blocked = [...blocked].sort();
    await finish(result, started, profile, context);
  }
  process.exitCode = result.ok ? 0 : 1;
}

let finished = false;

// Prints the result once, whether the run ends or its deadline ends it.
async function finish(result, started, profile, context) {
  if (finished) return;
  finished = true;
  result.seconds = Math.round((Date.now() - started) / 100) / 10;
  await context?.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
