/**
 * The policy handed to `openshell policy set`: the same OpenShell-format file
 * the local sandbox reads, minus what only NemoCognition understands. Entries
 * that use NemoCognition's variables (`${state}`, `${runtime}`…) name
 * folders on the machine running the local sandbox, not in the OpenShell
 * sandbox, so they are left out; everything else is passed through as written.
 * OpenShell applies the network sections at once, filesystem and process
 * sections only when a sandbox starts; NemoCognition's own sandbox inside it
 * enforces the filesystem rules for the agent either way.
 */
import { isScalar, isSeq, parseDocument, visit } from 'yaml';
import { DEFAULT_POLICY_YAML } from '../policy/defaultPolicy';

export function openShellPolicyText(text: string = DEFAULT_POLICY_YAML): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`The policy is not valid YAML: ${doc.errors[0]!.message}`);
  visit(doc, {
    Seq(_key, node) {
      if (!isSeq(node)) return;
      node.items = node.items.filter((item) => !(isScalar(item) && typeof item.value === 'string' && item.value.includes('${')));
    },
  });
  return doc.toString();
}
