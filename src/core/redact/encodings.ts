/**
 * The forms a known secret can take once it has been through common encoders.
 * A base64 encoding depends on where the secret starts relative to the 3-byte
 * groups, so each of the three alignments is computed and only the characters
 * that depend on the secret's bytes alone are kept (they appear whatever
 * surrounds the secret, e.g. inside `Basic base64(user:secret)`).
 */
const MIN_FRAGMENT = 8;

export function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(JSON.stringify(secret).slice(1, -1));
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const std = padded.toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6); // exclusive
    const fragment = std.slice(first, last);
    if (fragment.length >= MIN_FRAGMENT) {
      forms.add(fragment);
      forms.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  forms.delete('');
  return [...forms];
}
