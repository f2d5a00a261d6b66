/** "Fork from here": the instruction for a new branch that starts from the selected step (any branch, sealed ones included). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Node } from '../../../src/core/model/types';
import { MAX_INSTRUCTION } from '../../../src/protocol/replay';

interface Props {
  node: Node;
  branchLabel: string;
  running: boolean;
  onStart(instruction: string): void;
  onCancel(): void;
}

export function ForkForm({ node, branchLabel, running, onStart, onCancel }: Props) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = (e: Event) => {
    e.preventDefault();
    if (text.trim() && !running) onStart(text.trim());
  };
  return (
    <form class="nc-fork-form" onSubmit={submit} aria-label="Fork from here">
      <label for="nc-fork-text">
        New instruction, from {branchLabel} step {node.seq + 1} ("{node.name.length > 60 ? `${node.name.slice(0, 59)}…` : node.name}")
      </label>
      <textarea
        id="nc-fork-text"
        ref={ref}
        rows={3}
        maxLength={MAX_INSTRUCTION}
        placeholder="e.g. Write the note inside the workspace instead of /etc"
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
        }}
      />
      <p class="nc-muted nc-hint">
        The new branch starts from the files as they were right after this step, in a fresh sandbox. The agent gets the original task, what this branch did up to here, and your instruction.
      </p>
      {running ? <p class="nc-note">A run is going: fork once it has ended.</p> : null}
      <div class="nc-actions">
        <button type="submit" class="nc-button" disabled={!text.trim() || running}>
          <span class="codicon codicon-repo-forked" aria-hidden="true" /> Start fork
        </button>
        <button type="button" class="nc-button nc-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
