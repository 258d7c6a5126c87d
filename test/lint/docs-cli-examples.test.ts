// The README's and docs' examples of `appwarden ...` (shell blocks and inline code) may only name
// commands and flags that the CLI has: a renamed flag or a removed command fails here rather than
// in a user's terminal.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../packages/cli/src/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const SHELL_FENCES = new Set(['', 'sh', 'bash', 'shell', 'console']);

interface Example {
  file: string;
  line: number;
  text: string;
}

/** Every `appwarden …` invocation in a Markdown file: in shell code blocks and in inline code. */
function examplesIn(file: string, markdown: string): Example[] {
  const found: Example[] = [];
  const lines = markdown.split('\n');
  let fence: string | undefined;
  let shell = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const opening = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence === undefined && opening) {
      fence = opening[1]!;
      shell = SHELL_FENCES.has(opening[2]!.toLowerCase());
      continue;
    }
    if (fence !== undefined) {
      if (line.trim().startsWith(fence)) {
        fence = undefined;
        continue;
      }
      if (!shell) continue;
      // A command continued with a trailing backslash is one command.
      let command = line;
      const start = i;
      while (command.endsWith('\\') && i + 1 < lines.length) command = command.slice(0, -1) + ' ' + lines[++i]!;
      const code = command.replace(/(^|\s)#.*$/, '');
      for (const m of code.matchAll(/(?:^|[\s;&|(])(?:npx\s+)?appwarden\s+([^;&|)>]*)/g)) {
        found.push({ file, line: start + 1, text: m[1]!.trim() });
      }
      continue;
    }
    for (const m of line.matchAll(/`(?:npx\s+)?appwarden\s+([^`]*)`/g)) {
      // Inline code may show a pipe (`appwarden activities list --jsonl | jq`): the command ends there.
      found.push({ file, line: i + 1, text: m[1]!.split(/\s[|>]\s|\s&&\s/)[0]!.trim() });
    }
  }
  return found;
}

/** Splits like a shell, keeping quoted words whole (quotes removed). */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const isPlaceholder = (w: string) => /^[<[$]|^\.\.\.|^…/.test(w);

/** What is wrong with an example (undefined: the CLI has every command and flag it names). */
function check(program: Command, text: string): string | undefined {
  const ws = words(text);
  let cmd = program;
  const pathWords: string[] = [];
  let i = 0;
  for (; i < ws.length; i++) {
    const w = ws[i]!;
    if (w.startsWith('-') || isPlaceholder(w)) break;
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!sub) {
      if (cmd.commands.length > 0 && cmd.registeredArguments.length === 0) return `'${[...pathWords, w].join(' ')}' is not a command`;
      break;
    }
    cmd = sub;
    pathWords.push(w);
  }
  if (pathWords.length === 0 && !ws.every((w) => w.startsWith('-') || isPlaceholder(w))) {
    return `'${ws[0] ?? ''}' is not a command`;
  }
  for (const w of ws.slice(i)) {
    if (!/^--?[A-Za-z]/.test(w)) continue;
    const flag = w.split('=')[0]!;
    const known = [...cmd.options, ...program.options].some((o) => o.long === flag || o.short === flag);
    if (!known && flag !== '--help' && flag !== '-h') return `'appwarden ${pathWords.join(' ')}' has no option ${flag}`;
  }
  return undefined;
}

describe('shell examples in README.md and docs/', () => {
  const program = buildProgram();
  const examples = DOCS.flatMap((f) => examplesIn(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

  it('finds the examples (the scanner itself works)', () => {
    expect(examples.filter((e) => e.file === 'README.md').length).toBeGreaterThan(10);
    expect(examples.some((e) => e.file === 'docs/cli.md')).toBe(true);
  });

  it('name only commands and flags the CLI has', () => {
    const wrong = examples.flatMap((e) => {
      const problem = check(program, e.text);
      return problem ? [`${e.file}:${e.line}: appwarden ${e.text}\n    ${problem}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('catches an unknown flag and an unknown command', () => {
    expect(check(program, 'app create "X" --tenant t --no-such-flag')).toMatch(/has no option --no-such-flag/);
    expect(check(program, 'app frobnicate "X"')).toMatch(/is not a command/);
    expect(check(program, 'discovery upload access.log --source SQUID_NATIVE --stream "HQ proxy"')).toBeUndefined();
  });
});
