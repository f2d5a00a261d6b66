import assert from 'node:assert/strict';
import { buildHoverMarkdown, escapeUntrusted, revealStepUri, type HoverFacts } from '../../src/vscode/decorations/hoverMarkdown';

const base: HoverFacts = {
  runId: 'run_1',
  nodeId: 'nd_1',
  stepName: 'write src/a.ts',
  kind: 'tool_call',
  stepNumber: 3,
  branchLabel: 'main',
  tool: 'write',
  reasoning: 'The test needs a fixture.',
  at: 1_000,
  lines: [4, 9],
};

/** Links in CommonMark: `[text](target` not preceded by a backslash on either bracket. */
function unescapedLinks(md: string): string[] {
  return [...md.matchAll(/(?<!\\)\[[^\]]*(?<!\\)\]\(([^)\s]*)/g)].map((m) => m[1]!);
}

describe('gutter hover markdown', () => {
  const attacks = [
    '<img src=x onerror="alert(1)">',
    '<script>fetch("https://evil")</script>',
    '[click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)',
    '![x](https://evil/track.png)',
    '<https://evil>',
    '# Heading\n- list\n```\ncode\n```',
    'trust me [ok](command:nemocognition.revealStep?%5B%7B%22runId%22%3A%22x%22%7D%5D)',
    'a\u202eevil\u2066 zero\u200bwidth',
    'line1\r\nline2\n\n[x]: https://evil',
    '&lt;img src=x&gt; &#60;b&#62;',
  ];

  it('escapes every ASCII punctuation mark of untrusted text', () => {
    for (const a of attacks) {
      const out = escapeUntrusted(a, 10_000);
      const unescaped = out.replace(/\\[!-/:-@[-`{-~]/g, '');
      assert.ok(!/[!-/:-@[-`{-~]/.test(unescaped), `unescaped punctuation in ${JSON.stringify(out)}`);
      assert.ok(!/[\r\n\u202e\u2066\u200b]/.test(out), 'no line breaks, bidi or zero-width characters');
    }
  });

  it('keeps the only link our own revealStep link, whatever the model wrote', () => {
    for (const a of attacks) {
      const md = buildHoverMarkdown({ ...base, stepName: a, tool: a, reasoning: a, branchLabel: a, kind: a });
      const links = unescapedLinks(md.value);
      assert.deepEqual(links, [revealStepUri('run_1', 'nd_1')], `links in ${JSON.stringify(md.value)}`);
      assert.ok(!/(?<!\\)</.test(md.value), 'no unescaped <');
      assert.deepEqual(md.enabledCommands, ['nemocognition.revealStep']);
      // Nothing starts a block (heading, list, code fence) at the start of a line.
      for (const line of md.value.split('\n')) assert.ok(!/^\s*(#|-\s|```|>)/.test(line), line);
    }
  });

  it('truncates long model text', () => {
    const out = escapeUntrusted('a'.repeat(10_000), 300);
    assert.ok(out.length <= 300);
    assert.ok(out.endsWith('…'));
  });

  it('encodes the revealStep arguments as a JSON array in the query', () => {
    const uri = revealStepUri('run_1', 'nd_1');
    assert.ok(uri.startsWith('command:nemocognition.revealStep?'));
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.split('?')[1]!)), [{ runId: 'run_1', nodeId: 'nd_1' }]);
  });

  it('shows the step, tool and reasoning as text', () => {
    const md = buildHoverMarkdown(base, 61_000).value;
    assert.ok(md.includes('step 3'));
    assert.ok(md.includes('Tool: write'));
    assert.ok(md.includes('Reasoning: The test needs a fixture\\.'));
    assert.ok(md.includes('Lines 4–9'));
    assert.ok(md.includes('1 min ago'));
  });
});
