/** One SQL identifier, double-quoted (embedded quotes doubled): safe to splice into a statement. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `identifier` or `schema.identifier` (see TableName), quoted part by part: the schema is what precedes the first dot. */
export function quoteTableName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? quoteIdent(name) : `${quoteIdent(name.slice(0, dot))}.${quoteIdent(name.slice(dot + 1))}`;
}

/**
 * A string as an SQL literal: single-quoted, embedded quotes doubled. Assumes `standard_conforming_strings = on`
 * (PostgreSQL's default since 9.1), where a backslash is an ordinary character. PostgreSQL strings cannot hold
 * NUL, so a string containing one is refused.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new RangeError('quoteLiteral: a string containing a NUL character cannot be an SQL literal');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Why a piece of SQL (a `where` condition, a query) cannot be wrapped safely in parentheses, or null when it can:
 * outside string literals, quoted identifiers, dollar quotes and comments, its parentheses must balance without ever
 * closing one it did not open, and it must not contain `;`. Otherwise text such as `a > 0) or (true` would escape the
 * parentheses the extract puts around it and change what each chunk reads. Comments must be closed.
 */
export function sqlFragmentProblem(text: string): string | null {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      let nesting = 1; // PostgreSQL block comments nest
      i += 2;
      while (i < n && nesting > 0) {
        if (text[i] === '/' && text[i + 1] === '*') (nesting++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') (nesting--, (i += 2));
        else i++;
      }
      if (nesting > 0) return 'has a /* comment that is not closed';
    } else if (c === "'") {
      // E'...' strings take backslash escapes; with standard_conforming_strings a plain '...' does not.
      const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && (i < 2 || !/[A-Za-z0-9_$]/.test(text[i - 2]!));
      i++;
      for (;;) {
        if (i >= n) return 'has a string literal that is not closed';
        if (escapes && text[i] === '\\') i += 2;
        else if (text[i] === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return 'has a quoted identifier that is not closed';
      i = end + 1;
    } else if (c === '$' && (i === 0 || !/[A-Za-z0-9_$]/.test(text[i - 1]!))) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        if (end < 0) return 'has a dollar-quoted string that is not closed';
        i = end + tag[0].length;
      } else i++;
    } else {
      if (c === ';') return 'must be a single statement without ";"';
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) return 'closes a parenthesis it did not open';
      i++;
    }
  }
  return depth === 0 ? null : 'has a parenthesis that is not closed';
}
