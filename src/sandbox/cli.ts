import type { HalaxyApiKey } from './halaxy/halaxyAuth';
import { HALAXY_RESOURCE_TYPES } from './halaxy/halaxyPermissions';
import { startSandbox } from './sandbox';
import type { RunningSandbox, SandboxSiteInfo } from './sandbox';

const USAGE = `Usage: npm run sandbox -- [--port <0-65535>] [--seed <integer>] [--patients <1-200000>]

Serves the Sandbox (an offline emulator of Halo Connect's integrator API and of Halaxy's FHIR API over synthetic
practices) on 127.0.0.1.
  --port      port to listen on; 0 picks a free one (default 0)
  --seed      seed of every generated value, GUIDs and key included (default 1)
  --patients  patients of the main Best Practice clinic (default 2000)
  --help      show this text
Stops on Ctrl+C or SIGTERM.`;

interface CliOptions {
  port: number;
  seed: number;
  patients: number;
}

class UsageError extends Error {}

const LIMITS: Record<keyof CliOptions, [number, number]> = {
  port: [0, 65_535],
  seed: [0, 2_147_483_647],
  patients: [1, 200_000],
};

function parseArgs(args: readonly string[]): CliOptions | 'help' {
  const options: CliOptions = { port: 0, seed: 1, patients: 2000 };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') {
      return 'help';
    }
    const match = /^--(port|seed|patients)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new UsageError(`Unknown argument "${arg}".`);
    }
    const name = match[1] as keyof CliOptions;
    const text = match[2] ?? args[++index];
    if (text === undefined) {
      throw new UsageError(`--${name} needs a value.`);
    }
    const value = Number(text);
    const [min, max] = LIMITS[name];
    if (!/^\d+$/.test(text) || value < min || value > max) {
      throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${text}").`);
    }
    options[name] = value;
  }
  return options;
}

function describeSite(site: SandboxSiteInfo): string {
  const parts = [
    `SITE ${site.id}`,
    site.pmsType,
    `pmsSiteId=${site.practiceManagementSiteId}`,
    site.availability,
    JSON.stringify(site.practiceName),
  ];
  if (!site.paired) {
    parts.push(`not paired: pair with pairingCode=${site.pairingCode ?? ''}`);
  }
  return parts.join('  ');
}

/** Another API key than the full one, on one line: `HALAXY_KEY <name>  clientId=…  clientSecret=…  <what it may do>`. */
function describeHalaxyKey(client: HalaxyApiKey): string {
  const permissions = HALAXY_RESOURCE_TYPES.map((type) => [type, client.permissions[type]] as const);
  const unreadable = permissions.filter(([, allowed]) => !allowed.read).map(([type]) => type);
  const writes = permissions.some(([, allowed]) => allowed.create || allowed.update);
  const scope = [unreadable.length > 0 ? `no access to ${unreadable.join(', ')}` : '', writes ? '' : 'retrieve only'].filter((part) => part !== '');
  return [`HALAXY_KEY ${client.name}`, `clientId=${client.clientId}`, `clientSecret=${client.clientSecret}`, scope.join('; ') || 'full access'].join('  ');
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    process.stderr.write(`The Sandbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  const [fullKey, ...otherKeys] = sandbox.halaxy.clients;
  const lines = [
    `HALO_CONNECT_URL=${sandbox.url}`,
    `HALO_CONNECT_KEY=${sandbox.key}`,
    ...sandbox.sites.map(describeSite),
    `HALAXY_URL=${sandbox.halaxy.url}`,
    `HALAXY_CLIENT_ID=${fullKey.clientId}`,
    `HALAXY_CLIENT_SECRET=${fullKey.clientSecret}`,
    ...otherKeys.map(describeHalaxyKey),
    'Sandbox ready: Ctrl+C stops it.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Leaving the event loop empty (rather than calling process.exit) lets the process end once the Sandbox is really gone.
    sandbox.stop().then(
      () => process.stdout.write('Sandbox stopped.\n'),
      (error: unknown) => {
        process.stderr.write(`The Sandbox did not stop cleanly: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
