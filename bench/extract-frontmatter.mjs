// Writes the YAML frontmatter of every Markdown file of a KB as one JSON file, for the peers
// that validate JSON (ajv-cli, check-jsonschema). Not timed: it prepares their input.
//
//   node extract-frontmatter.mjs KB_DIR OUT_DIR
//
// kb/entries/x.md becomes OUT_DIR/entries/x.json. YAML is read with the core schema of YAML 1.2
// (as kblint does: a date stays a string). Files without readable frontmatter are skipped and
// counted.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const yaml = require(process.env.JS_YAML || 'js-yaml');
const [kb, out] = process.argv.slice(2);
let written = 0;
let skipped = 0;
for (const collection of fs.readdirSync(path.join(kb, 'kb'))) {
  const dir = path.join(kb, 'kb', collection);
  fs.mkdirSync(path.join(out, collection), { recursive: true });
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.md')) continue;
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(text);
    let data;
    try {
      data = m ? yaml.load(m[1], { schema: yaml.CORE_SCHEMA }) : undefined;
    } catch {
      data = undefined;
    }
    if (data === undefined || data === null || typeof data !== 'object') {
      skipped++;
      continue;
    }
    fs.writeFileSync(path.join(out, collection, name.replace(/\.md$/, '.json')), JSON.stringify(data));
    written++;
  }
}
console.log(`${written} frontmatters written as JSON, ${skipped} files skipped (no readable frontmatter)`);
