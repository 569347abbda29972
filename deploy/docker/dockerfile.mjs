// Reading a Dockerfile and a .dockerignore as Docker does, without Docker: for the tests that check the Dockerfile and
// the compose file against the apps (test/deploy).
import { posix } from 'node:path';

/** `$VAR` and `${VAR}` replaced from `vars` (unknown ones by nothing). */
export function substitute(text, vars) {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => vars[a ?? b] ?? '');
}

/** `A=b C="d e"` (or the legacy `A b`) as pairs. */
export function keyValues(args) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key, ...value] = args.split(/\s+/);
    return [[key, value.join(' ')]];
  }
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)].map(([, k, v]) => [
    k,
    /^["']/.test(v) ? v.slice(1, -1) : v,
  ]);
}

/** CMD, ENTRYPOINT, RUN or HEALTHCHECK CMD arguments as an argv: the exec form's array, or `/bin/sh -c` with the shell form. */
export function commandArgv(args) {
  return args.startsWith('[') ? JSON.parse(args) : ['/bin/sh', '-c', args];
}

/** A Dockerfile as Docker reads it: comments dropped, continuation lines joined, flags split off, stages apart. */
export function parseDockerfile(text) {
  const instructions = [];
  let buffer = '';
  let line = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && buffer === '')) return;
    if (buffer === '') line = i + 1;
    if (trimmed.endsWith('\\')) {
      buffer += `${trimmed.slice(0, -1)} `;
      return;
    }
    buffer += trimmed;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(buffer);
    buffer = '';
    if (!match) return;
    let rest = match[2];
    const flags = {};
    for (let flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); flag; flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
      flags[flag[1]] = flag[2] ?? 'true';
      rest = rest.slice(flag[0].length);
    }
    instructions.push({ keyword: match[1].toUpperCase(), flags, args: rest.trim(), line });
  });
  const args = {};
  const stages = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image, as, name] = substitute(ins.args, args).split(/\s+/);
      if (as !== undefined && (as.toUpperCase() !== 'AS' || !name))
        throw new Error(`Dockerfile line ${ins.line}: cannot read FROM ${ins.args}`);
      stages.push({ name: name ?? String(stages.length), from: image, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before the first FROM`);
      for (const [k, v] of keyValues(ins.args)) args[k] = v;
    } else {
      stages.at(-1).instructions.push(ins);
    }
  }
  return { args, stages };
}

/** A .dockerignore pattern as a regular expression over slash-separated paths relative to the context. */
function patternRegExp(pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      re += end > i ? pattern.slice(i, end + 1).replace('[!', '[^') : '\\[';
      if (end > i) i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A .dockerignore's rules, in order. */
export function parseDockerignore(text) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const exclude = !l.startsWith('!');
      const body = posix.normalize((exclude ? l : l.slice(1)).trim()).replace(/^\/+/, '');
      return { exclude, re: patternRegExp(body) };
    });
}

/** Is a context path (slash-separated, relative) left out? Docker's rule: the last pattern matching it or a parent decides. */
export function ignored(path, rules) {
  const parts = path.split('/');
  let out = false;
  for (const rule of rules) {
    for (let n = 1; n <= parts.length; n++) {
      if (rule.re.test(parts.slice(0, n).join('/'))) {
        out = rule.exclude;
        break;
      }
    }
  }
  return out;
}
