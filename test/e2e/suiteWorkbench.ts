/*
 * Mocha root hooks for the end-to-end suite (loaded through test/e2e/.mocharc.json): one VS Code for the whole run,
 * because starting code-server and Chromium costs seconds of both cores. Each test's screenshots go to a folder
 * named after it.
 */
import type { Context } from 'mocha';
import { Workbench } from './harness';

let current: Workbench | undefined;

/** The suite's running workbench. */
export function workbench(): Workbench {
  if (!current) throw new Error('The workbench is not running: load test/e2e/suiteWorkbench.ts as a root hook plugin');
  return current;
}

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(120_000);
    current = await Workbench.start();
  },
  beforeEach(this: Context): void {
    current?.beginTest(this.currentTest?.fullTitle() ?? 'test');
  },
  async afterEach(this: Context): Promise<void> {
    // What was on screen when a test failed is the first thing to look at; a failing screenshot must not hide the failure.
    if (this.currentTest?.state === 'failed') await current?.screenshot('failure').catch(() => undefined);
  },
  async afterAll(this: Context): Promise<void> {
    this.timeout(30_000);
    await current?.stop();
  },
};
