// Parses every ```mermaid block of the Markdown on standard input with Mermaid's own parser
// (mermaid.parse, under a jsdom window for the sanitiser it loads). Prints how many blocks
// parsed; exits 1 naming each block that does not parse, 2 when there is none.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;

// A fence is three or more backticks; a block ends at a fence at least as long.
const blocks = [];
const lines = input.split('\n');
for (let i = 0; i < lines.length; i++) {
  const open = /^(`{3,})mermaid\s*$/.exec(lines[i]);
  if (!open) continue;
  const body = [];
  for (i++; i < lines.length && !new RegExp(`^${open[1]}\`*\\s*$`).test(lines[i]); i++) {
    body.push(lines[i]);
  }
  blocks.push(body.join('\n'));
}
if (blocks.length === 0) {
  console.error('no ```mermaid block in the input');
  process.exit(2);
}
let failed = 0;
for (const [n, text] of blocks.entries()) {
  try {
    await mermaid.parse(text);
  } catch (error) {
    failed++;
    console.error(`block ${n + 1} does not parse: ${error.message}\n${text}`);
  }
}
if (failed > 0) process.exit(1);
console.log(`${blocks.length} Mermaid blocks parse`);
