import { describe, expect, it } from 'vitest';
import { checkCondition, checkQuery, type SqlVerdict } from './sql-parse.js';

const problem = (v: SqlVerdict): string | null => v.problem;
const functions = (v: SqlVerdict): string[] =>
  v.problem === null ? v.functions.map((f) => `${f.schema === null ? '' : `${f.schema}.`}${f.name}`).sort() : [];

describe('checkCondition', () => {
  it('accepts conditions that stay one expression inside their parentheses', () => {
    for (const ok of [
      'n % 2 = 0',
      "name = 'a) or (true' and (x > 1)",
      "note = 'it''s (fine'",
      "path like E'\\\\) \\' ('",
      '"odd) name" is not null',
      'body = $$ ) ; ( $$ and tag = $t$;)$t$',
      'x > 1 -- a comment with ) and ;\n and y < 2',
      'x > 1 -- ends in a comment',
      'x /* nested /* ) */ ; */ > 1',
      'price$1 > 0',
      'exists (select 1 from t2 where t2.id = t.id)',
    ]) {
      expect(problem(checkCondition(ok)), ok).toBeNull();
    }
  });

  it('refuses text that would escape the parentheses around it, or hold a second statement', () => {
    for (const bad of [
      'id > 0) or (true',
      '(id > 0',
      'true; delete from t',
      "a = 'open",
      'a = "open',
      'a = $q$ open',
      'a /* open',
      "E'\\\\') or (true",
      'true order by 1',
      'true limit 1',
      'true group by 1',
      'true union select 1',
      'true) union (select pg_read_file($$/etc/passwd$$)',
      // PostgreSQL reads a non-ASCII letter followed by $$ as one identifier, not as a dollar quote.
      'é$$ = 1) ; select pg_sleep(1) ; select (1$$',
      "a = E'\\'' ) ; commit ; select 1 --",
    ]) {
      expect(problem(checkCondition(bad)), bad).not.toBeNull();
    }
  });

  it('names what is wrong', () => {
    expect(problem(checkCondition('true; delete from t'))).toMatch(/one condition.*2 statements/);
    expect(problem(checkCondition('id > 0) or (true'))).toMatch(/not valid SQL: syntax error/);
    expect(problem(checkCondition('id in (select id from t for update)'))).toMatch(/locks rows/);
    expect(problem(checkCondition('id = $1'))).toMatch(/no parameters/);
  });

  it('finds every function call, in subqueries, LIMIT, OFFSET and VALUES too', () => {
    expect(functions(checkCondition("x > lower('A') and y in (select f(z) from t limit g() offset pg_catalog.h())"))).toEqual([
      'f',
      'g',
      'lower',
      'pg_catalog.h',
    ]);
    expect(functions(checkCondition("x in (values (1), (pg_read_file('x')))"))).toEqual(['pg_read_file']);
  });
});

describe('checkQuery', () => {
  it('accepts one SELECT, with a trailing semicolon or comment', () => {
    for (const ok of [
      'select 1',
      'select 1;',
      'select a from t -- note',
      'with x as (select 1 as a) select a from x',
      'values (1), (2)',
      'select * from t where b = $$;$$',
      'select a from t union all select b from u order by 1',
    ]) {
      expect(problem(checkQuery(ok)), ok).toBeNull();
    }
  });

  it('refuses a second statement however it is hidden', () => {
    for (const bad of [
      'select 1; select 2',
      'select 1) q; commit; select (1',
      "select E'\\'' ; drop table x; select '",
      'select é$$ from t) q ; commit ; select pg_terminate_backend(1) ; select (1 as é$$',
      'select 1 /* ) ; commit ; */ ; select 2',
      'select "a;" from t; drop table t',
    ]) {
      expect(problem(checkQuery(bad)), bad).not.toBeNull();
    }
  });

  it('refuses what writes, locks or creates', () => {
    expect(problem(checkQuery('delete from t'))).toMatch(/SELECT statement, not DELETE/);
    expect(problem(checkQuery("copy t to program 'id'"))).toMatch(/not COPY/);
    expect(problem(checkQuery('select * into z from t'))).toMatch(/creates a table/);
    expect(problem(checkQuery('select * from t for update'))).toMatch(/locks rows/);
    expect(problem(checkQuery('select * from (select * from t for share) s'))).toMatch(/locks rows/);
    expect(problem(checkQuery('with d as (delete from t returning *) select * from d'))).toMatch(/writes \(DELETE\)/);
    expect(problem(checkQuery('with d as (insert into t values (1) returning *) select * from d'))).toMatch(/writes \(INSERT\)/);
  });

  it('finds every function call, in LIMIT, OFFSET, VALUES, ORDER BY, GROUP BY, HAVING and window clauses', () => {
    expect(
      functions(
        checkQuery(`select a, count(*) over (partition by w(a) order by o(a)) from t
                    group by a, gb(a) having hv(count(*)) > 0 order by ob(a) limit lim() offset off()`),
      ),
    ).toEqual(['count', 'gb', 'hv', 'lim', 'o', 'ob', 'off', 'w']);
    expect(functions(checkQuery("values (1), (pg_read_file('/etc/passwd'))"))).toEqual(['pg_read_file']);
    expect(functions(checkQuery("select * from dblink('x', 'y') as r(a int)"))).toEqual(['dblink']);
  });
});
