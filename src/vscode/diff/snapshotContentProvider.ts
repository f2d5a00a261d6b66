/**
 * Serves file contents from snapshots for `nemocog-snapshot:` URIs, so a
 * snapshot file can sit on the left of VS Code's diff editor. Read-only.
 */
import * as vscode from 'vscode';
import type { SnapshotService } from '../services/snapshotService';
import { EMPTY_SNAPSHOT, fromSnapshotUriParts } from './snapshotUri';

const MAX_TEXT_BYTES = 5 * 1024 * 1024;

export class SnapshotContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly snapshots: SnapshotService) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = fromSnapshotUriParts(uri);
    if (ref.snapshotId === EMPTY_SNAPSHOT) return '';
    await this.snapshots.ensure(ref.snapshotId, { file: ref.path });
    const { engine } = await this.snapshots.get();
    const bytes = engine.readFile(ref.snapshotId, ref.path);
    if (!bytes) return '';
    return describeBytes(bytes);
  }
}

/** Text as text; binary or huge files as a one-line note rather than garbage in an editor. */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length > MAX_TEXT_BYTES) return `(file of ${bytes.length} bytes: too large to show in a diff)`;
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return `(binary file, ${bytes.length} bytes)`;
  return new TextDecoder('utf-8').decode(bytes);
}
