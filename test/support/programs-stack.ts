import { afterAll, afterEach, beforeAll } from 'vitest';
import { startStack, type TestStack } from './stack.js';

/**
 * One stack for the tests of a file whose master and two workers know the programs of `programsFile`: the worker
 * processes get PARTITA_PROGRAMS from the stack, the master runs in this process and reads this process's
 * environment. Kept (its logs too) when a test failed.
 */
export function useProgramsStack(programsFile: string): { readonly stack: TestStack } {
  const state: { stack: TestStack | undefined; passed: boolean } = { stack: undefined, passed: true };
  beforeAll(async () => {
    process.env['PARTITA_PROGRAMS'] = programsFile;
    state.stack = await startStack({ workers: 2, env: { PARTITA_PROGRAMS: programsFile } });
  });
  afterAll(async () => {
    delete process.env['PARTITA_PROGRAMS'];
    await state.stack?.close(state.passed);
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'pass') state.passed = false;
  });
  return {
    get stack() {
      if (!state.stack) throw new Error('the stack runs only inside a test');
      return state.stack;
    },
  };
}
