import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// src/language runs in workers and in Node, like src/sim: no React, three.js or DOM. ESLint's import
// rule covers src/sim and src/policy only, so this checks the language core the same way.

const DIR = new URL('../../src/language/', import.meta.url);
const sources = readdirSync(DIR).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(new URL(f, DIR), 'utf8')] as const);

describe('src/language', () => {
  it('imports only src/sim and its own modules', () => {
    for (const [f, text] of sources) {
      for (const m of text.matchAll(/from '([^']+)'/g)) expect(m[1], `${f} imports ${m[1]}`).toMatch(/^\.\/|^\.\.\/sim\//);
    }
  });
  it('touches no DOM or browser global', () => {
    for (const [f, text] of sources) expect(text, f).not.toMatch(/\b(document|window|navigator|localStorage|globalThis)\s*[.[]|\bHTMLElement\b/);
  });
});
