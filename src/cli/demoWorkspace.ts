/** The small project the offline demo lets the agent work on. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FILES: Record<string, string> = {
  'README.md': '# greeter\n\nA tiny TypeScript project used by the NemoCognition demo.\n',
  'package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/index.ts': "export function main(): string {\n  return 'hello';\n}\n",
  '.gitignore': 'node_modules/\n.nemocognition/\n',
};

/** Creates the demo project in `dir` unless it already has files; returns whether it wrote it. */
export function seedDemoWorkspace(dir: string): boolean {
  if (existsSync(dir) && readdirSync(dir).filter((n) => n !== '.nemocognition').length > 0) return false;
  for (const [rel, content] of Object.entries(FILES)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return true;
}
