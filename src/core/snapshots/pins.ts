import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Pinned snapshots: never dropped by garbage collection or the size budget,
 * whatever the caller's idea of what is live. Restore pins its safety
 * snapshot (the undo point) before it writes anything; the undo stack
 * (core/restore/undoStack.ts) unpins an undo point when it is used or falls
 * off the bottom of the stack. One empty file per pin under `<storeDir>/pins/`,
 * so concurrent processes never race on a shared list.
 */
export class PinStore {
  readonly dir: string;

  constructor(storeDir: string) {
    this.dir = path.join(storeDir, 'pins');
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`"${id}" is not a snapshot id.`);
    return path.join(this.dir, id);
  }

  pin(id: string, why: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const f = this.file(id);
    const tmp = `${f}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify({ why, at: Date.now() }));
    fs.renameSync(tmp, f);
  }

  unpin(id: string): void {
    fs.rmSync(this.file(id), { force: true });
  }

  has(id: string): boolean {
    return fs.existsSync(this.file(id));
  }

  list(): Set<string> {
    if (!fs.existsSync(this.dir)) return new Set();
    return new Set(fs.readdirSync(this.dir).filter((n) => /^[A-Za-z0-9_-]+$/.test(n)));
  }
}
