// A tiny bot for the driver's card checks: each message text names an answer in ANSWERS below,
// and the bot sends that answer as it is, however broken. The negative test asks for the broken
// ones; the card gallery adds the bot's real cards from a JSON file, {"name": <adaptive card>},
// each sent as one Adaptive Card attachment (tests/support/gallery.py writes it).
//
//   node tests/e2e/stub_bot.mjs [port] [cards.json]   prints {"port": N, "answers": N} when it
//                                                      listens on 127.0.0.1
import fs from 'node:fs';
import http from 'node:http';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const card = (body, extra = {}) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body,
  ...extra,
});
const ok = { type: 'TextBlock', text: 'A good card', wrap: true };
const adaptive = (content) => ({ attachments: [{ contentType: ADAPTIVE, content }] });

// name -> the parts of the bot's message activity
const ANSWERS = {
  good: adaptive(card([ok])),
  // The renderer drops these two without a trace on screen.
  'unknown-element': adaptive(card([ok, { type: 'Foo.Bar', text: 'x' }])),
  'unknown-action': adaptive(card([ok], { actions: [{ type: 'Action.Fly', title: 'Fly' }] })),
  // The renderer draws these anyway.
  'newer-version': adaptive(card([ok], { version: '9.9' })),
  'not-a-card': adaptive({ ...card([ok]), type: 'Nonsense' }),
  'empty-choiceset': adaptive(card([{ type: 'Input.ChoiceSet', id: 'c', choices: [] }])),
  'duplicate-id': adaptive(
    card([
      { type: 'Input.Text', id: 'same', label: 'One' },
      { type: 'Input.Text', id: 'same', label: 'Two' },
    ]),
  ),
  // The Playground shows a placeholder text for these.
  'unknown-attachment': { attachments: [{ contentType: 'application/x-nonsense', content: {} }] },
  'thumbnail-card': {
    attachments: [
      { contentType: 'application/vnd.microsoft.card.thumbnail', content: { title: 'T' } },
    ],
  },
  // The Playground refuses this one with HTTP 400: nothing shows, and its log says so.
  'empty-message': { attachments: [] },
  'no-content': { attachments: [{ contentType: ADAPTIVE }] },
};

// Extra named cards from a JSON file; a name may not replace one of the answers above.
function loadCards(file) {
  const cards = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (cards === null || typeof cards !== 'object' || Array.isArray(cards))
    throw new Error(`${file}: expected an object of named cards`);
  for (const [name, content] of Object.entries(cards)) {
    if (Object.hasOwn(ANSWERS, name)) throw new Error(`${file}: "${name}" is a built-in answer`);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new Error(`${file}: "${name}" is not a name to type (a-z, 0-9, -)`);
    ANSWERS[name] = adaptive(content);
  }
}

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

async function reply(activity, text) {
  const parts = Object.hasOwn(ANSWERS, text) ? ANSWERS[text] : { text: `unknown answer: ${text}` };
  const answer = {
    type: 'message',
    from: activity.recipient,
    recipient: activity.from,
    conversation: activity.conversation,
    replyToId: activity.id,
    ...parts,
  };
  const base = activity.serviceUrl.replace(/\/$/, '');
  const conversation = encodeURIComponent(activity.conversation.id);
  const url = `${base}/v3/conversations/${conversation}/activities/${encodeURIComponent(activity.id)}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer),
  });
  if (!response.ok) console.error(`stub bot: reply answered ${response.status}`);
}

const server = http.createServer(async (request, response) => {
  try {
    if (request.method !== 'POST' || !request.url.startsWith('/api/messages')) {
      response.writeHead(404).end();
      return;
    }
    const activity = await readJson(request);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (activity.type === 'message' && typeof activity.text === 'string') {
      await reply(activity, activity.text.trim());
    }
  } catch (error) {
    console.error('stub bot:', error);
    if (!response.headersSent) response.writeHead(500).end();
  }
});

const [port, cardsFile] = process.argv.slice(2);
if (cardsFile) loadCards(cardsFile);

server.listen(Number(port || 0), '127.0.0.1', () => {
  const answers = Object.keys(ANSWERS).length;
  console.log(JSON.stringify({ port: server.address().port, answers }));
});
