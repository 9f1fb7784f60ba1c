/**
 * Globs over identifiers such as ARNs, user agents and rule ids: `*` matches any run of characters
 * (slashes included, since ARNs use them for paths), `?` one character, everything else is literal
 * and matched case-sensitively. Patterns come from configuration, so they are compiled to anchored
 * regular expressions with every other character escaped; no user text reaches RegExp unescaped.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string, flags = ''): RegExp {
  const cacheKey = `${flags}\u0000${pattern}`;
  let re = cache.get(cacheKey);
  if (re === undefined) {
    let src = '';
    for (const ch of pattern) {
      if (ch === '*') src += '.*';
      else if (ch === '?') src += '.';
      else src += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, flags + 's');
    cache.set(cacheKey, re);
  }
  return re;
}

/** True when `value` matches `pattern` (see module doc for the syntax). */
export function globMatch(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** True when `value` matches any of `patterns`; false for an undefined value. */
export function matchesAny(patterns: readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  for (const p of patterns) if (globToRegExp(p).test(value)) return true;
  return false;
}

/** Case-insensitive variant, for user agents. */
export function matchesAnyIgnoreCase(
  patterns: readonly string[],
  value: string | undefined,
): boolean {
  if (value === undefined) return false;
  for (const p of patterns) if (globToRegExp(p, 'i').test(value)) return true;
  return false;
}
