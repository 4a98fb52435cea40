import { ManualClock } from '../../src/sandbox/clock';
import { startSandbox } from '../../src/sandbox/sandbox';
import type { RunningSandbox, SandboxOptions, SandboxSiteInfo } from '../../src/sandbox/sandbox';
import type { SiteRole } from '../../src/sandbox/sandboxSites';
import { ContractClient } from './contractClient';

export interface TestSandbox {
  sandbox: RunningSandbox;
  client: ContractClient;
  clock: ManualClock;
  site(role: SiteRole): SandboxSiteInfo;
  /** `/integrator/sites/{id of role}` + rest. */
  sitePath(role: SiteRole, rest?: string): string;
}

/** A Sandbox on a free loopback port, driven by a ManualClock, small enough to start in about a second. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const clock = new ManualClock();
  const sandbox = await startSandbox({ patients: 150, clock, ...options });
  const site = (role: SiteRole): SandboxSiteInfo => {
    const found = sandbox.sites.find((candidate) => candidate.role === role);
    if (!found) {
      throw new Error(`No ${role} site`);
    }
    return found;
  };
  return {
    sandbox,
    client: new ContractClient(sandbox.url, sandbox.key),
    clock,
    site,
    sitePath: (role, rest = '') => `/integrator/sites/${site(role).id}${rest}`,
  };
}
