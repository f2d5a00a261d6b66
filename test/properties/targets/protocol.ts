/** Properties of the extension <-> webview protocol guards (src/protocol/check.ts, replay.ts). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isArrayOf, isAttributes, isAttrValue, isId, isNum, isRelPath, isStr, MAX_ID_LENGTH } from '../../../src/protocol/check';
import { isHostMessage, isUiState, isWebviewMessage, RESULT_GUARDS } from '../../../src/protocol/replay';
import { hostileText, preview, withinBudget, type Target } from '../harness';

const BUDGET = { baseMs: 20, perKbMs: 1 };

const ID_PIECES = ['run_', 'nd_', 'a', '1', '.', '..', '/', '\\', ':', '@', '-', '_', ' ', '\n', '\u0000', 'é', '%2e', '~', '*'];
const idLike = hostileText(ID_PIECES, { maxLength: 60, maxRepeat: 80 });

/** Anything a message could carry, sparse arrays and odd numbers included. */
const anything = fc.anything({
  maxDepth: 4,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withBigInt: true,
});

const validId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,40}$/).filter((s) => !s.includes('..'));

/** A message with the right shape, each field its type reads drawn from hostile values. */
const anyId = fc.oneof(idLike, validId, anything);
const command = fc.oneof(
  fc.record({ type: fc.constant('selectRun'), runId: anyId }),
  fc.record({ type: fc.constantFrom('selectNode', 'restoreNode'), nodeId: anyId }),
  fc.record({ type: fc.constant('restoreBranch'), branchId: anyId }),
  fc.record({ type: fc.constant('openDiff'), nodeId: anyId, path: fc.option(fc.oneof(idLike, fc.constantFrom('a/b', '../x', '/etc/passwd', 'a\\b', 'C:x', './a')), { nil: undefined }) }),
  fc.record({ type: fc.constant('toggleBranch'), branchId: anyId, expanded: anything }),
  fc.record({ type: fc.constantFrom('runAgent', 'cancelRun', 'x') }),
);
const request = fc.oneof(fc.record({ method: fc.constant('getRun'), runId: anyId }), fc.record({ method: fc.constantFrom('getNodeDetail', 'x'), nodeId: anyId }));
const shapedMessage = fc.oneof(
  fc.record({ kind: fc.constant('command'), command }),
  fc.record({ kind: fc.constant('request'), id: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double()), request }),
  fc.record({ kind: fc.constantFrom('ready', 'x'), protocolVersion: fc.oneof(fc.integer(), fc.double()) }),
);

/** A guard must answer (true or false) for any input, fast, and never throw. */
function guarded(name: string, guard: (v: unknown) => boolean, v: unknown): boolean {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(typeof v);
  }
  return withinBudget(Math.max(text?.length ?? 0, 1), BUDGET, () => `${name}(${preview(text ?? '')})`, () => {
    const r = guard(v);
    assert.equal(typeof r, 'boolean', name);
    return r;
  });
}

/** Every value that passed `isId`, wherever it sits in an accepted message. */
function assertIdsAreTokens(v: unknown, depth = 0): void {
  if (depth > 20 || !v || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    if (/(^id$|Id$)/.test(k) && typeof x === 'string') assertToken(x);
    assertIdsAreTokens(x, depth + 1);
  }
}

function assertToken(s: string): void {
  assert.ok(s.length > 0 && s.length <= MAX_ID_LENGTH, 'length');
  assert.ok(!s.includes('/') && !s.includes('\\') && !s.includes('..') && !s.startsWith('.') && !s.startsWith('-'), `id ${JSON.stringify(s)} is path-like`);
  assert.ok(!/[\u0000-\u0020\u007f-\uffff]/.test(s), `id ${JSON.stringify(s)} has a control, space or non-ASCII character`);
}

export const protocolTarget: Target = {
  name: 'protocol',
  parser: 'messages between the extension host and the webview',
  properties: [
    {
      name: 'isId accepts only opaque tokens, never a path',
      make: () =>
        fc.property(fc.oneof(idLike, fc.string(), validId), (s) => {
          if (guarded('isId', isId, s)) assertToken(s);
        }),
    },
    {
      name: 'no guard throws on any value, and arrays with holes never pass',
      make: () =>
        fc.property(anything, (v) => {
          for (const [name, g] of Object.entries({ isId, isStr, isNum, isAttrValue, isAttributes, isRelPath, isWebviewMessage, isHostMessage, isUiState })) guarded(name, g as (v: unknown) => boolean, v);
          for (const [name, g] of Object.entries(RESULT_GUARDS)) guarded(`RESULT_GUARDS.${name}`, g as (v: unknown) => boolean, v);
          if (Array.isArray(v) && Object.keys(v).length !== v.length) {
            assert.equal(isArrayOf(v, (_x): _x is unknown => true), false, 'a sparse array passed isArrayOf');
            assert.equal(isAttrValue(v), false, 'a sparse array passed isAttrValue');
          }
        }),
    },
    {
      name: 'an accepted webview message carries only token ids and relative paths',
      make: () =>
        fc.property(shapedMessage, (m) => {
          if (!guarded('isWebviewMessage', isWebviewMessage, m)) return;
          const body = (m as { command?: unknown; request?: unknown }).command ?? (m as { request?: unknown }).request ?? {};
          assertIdsAreTokens(body);
          const path = (body as { path?: unknown }).path;
          if (typeof path === 'string') {
            assert.ok(!path.startsWith('/') && !path.split('/').includes('..'), `path ${JSON.stringify(path)}`);
          }
        }),
    },
    {
      name: 'isArrayOf agrees with a check of every index (holes included)',
      make: () =>
        fc.property(fc.sparseArray(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 30 }), (arr) => {
          let expected = true;
          for (let i = 0; i < arr.length; i++) if (!(i in arr) || typeof arr[i] !== 'string') expected = false;
          assert.equal(guarded('isArrayOf', (v) => isArrayOf(v, isStr), arr), expected);
        }),
    },
  ],
};
