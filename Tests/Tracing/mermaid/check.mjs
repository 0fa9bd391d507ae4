// Parses Mermaid diagrams with Mermaid's own parser: `node check.mjs a.mmd b.mmd`, or one diagram on stdin.
// Prints "<name>: ok" or "<name>: <the parse error>" for each, and exits 1 if any failed to parse.
// With --texts, each "ok" is followed by one line of JSON: the sequence diagram's participant labels and its messages'
// and notes' texts as a reader sees them, entity codes decoded.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitizes text with DOMPurify, which needs a window and a document: give it jsdom's before loading it.
const { window } = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const texts = process.argv.includes('--texts');
const paths = process.argv.slice(2).filter(arg => arg !== '--texts');
const sources = paths.length > 0
  ? paths.map(path => ({ name: path, text: readFileSync(path, 'utf8') }))
  : [{ name: 'stdin', text: readFileSync(0, 'utf8') }];

// Mermaid writes an entity code #59; as ﬂ°°59¶ß while it parses and as &#59; in the SVG it draws.
function shown(text) {
  const markup = text.replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
  const element = document.createElement('textarea');
  element.innerHTML = markup;
  return element.value;
}

let failed = 0;
for (const { name, text } of sources) {
  try {
    await mermaid.parse(text);
    console.log(`${name}: ok`);
    if (texts) {
      const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
      const participants = [...db.getActors().values()].map(actor => shown(actor.description));
      const messages = db.getMessages().map(message => shown(message.message));
      console.log(JSON.stringify({ participants, messages }));
    }
  } catch (error) {
    failed++;
    console.log(`${name}: ${error?.message ?? error}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
