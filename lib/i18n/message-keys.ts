/** messages/<locale>.json as dotted keys → text ("login.form.signIn" → "Sign in"). */
export function flattenMessages(tree: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out[key] = v;
    else if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flattenMessages(v, key));
    else throw new Error(`${key}: a message must be text or a namespace of messages`);
  }
  return out;
}

/**
 * A message's ICU arguments ({name}, {n, plural, …}) and rich-text tags (<b>), sorted: what a
 * translation must keep. Words inside plural/select cases are not arguments.
 */
export function placeholders(message: string): string[] {
  const found = new Set<string>();
  for (const m of message.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?=[,}])/g)) found.add(m[1]);
  for (const m of message.matchAll(/<([A-Za-z][A-Za-z0-9]*)>/g)) found.add(`<${m[1]}>`);
  return [...found].sort();
}
