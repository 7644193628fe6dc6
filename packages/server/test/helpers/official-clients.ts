import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the official clients are found. They are never part of this repository (their code, a binary
 * built from it, or a recipe building it): a developer or CI machine provides them at these paths.
 */
const CACHE = join(homedir(), '.cache', 'hookbridge-clients');

export interface ClientLocation {
  path: string | null;
  /** Why the tests using it are skipped: one line naming the variable. */
  skip: string | false;
}

function locate(variable: string, fallback: string, tool?: string): ClientLocation {
  const path = process.env[variable] || join(CACHE, fallback);
  if (!existsSync(path)) {
    return { path: null, skip: `set ${variable} to ${describe(variable)} (looked at ${path})` };
  }
  if (tool && spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
    return { path: null, skip: `${tool} is not installed (needed with ${variable})` };
  }
  return { path, skip: false };
}

function describe(variable: string): string {
  if (variable === 'HOOKBRIDGE_OFFICIAL_HB') return 'a built official hb binary';
  if (variable === 'HOOKBRIDGE_OFFICIAL_PHP_SDK') return 'a checkout of hookbridge-php';
  return 'a directory holding the hookbridge-go sources';
}

export const officialHb = () => locate('HOOKBRIDGE_OFFICIAL_HB', 'hb');
export const officialPhpSdk = () => locate('HOOKBRIDGE_OFFICIAL_PHP_SDK', 'hookbridge-php', 'php');
export const officialGoSdk = () => {
  const found = locate('HOOKBRIDGE_OFFICIAL_GO_SDK', 'hookbridge-go');
  if (found.skip) return found;
  return spawnSync('go', ['version'], { stdio: 'ignore' }).error
    ? { path: null, skip: 'go is not installed (needed with HOOKBRIDGE_OFFICIAL_GO_SDK)' }
    : found;
};

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client to completion with a bound on its time; never through a shell. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Builds one of our Go drivers (`driverDir`, a `main` package) against the official Go SDK at `sdkPath`, in
 * GOPATH mode in a scratch GOPATH (the SDK's go.mod is refused by Debian's Go in module mode). Returns the
 * scratch directory (remove it when done) and the binary in it.
 */
export async function buildGoDriver(
  sdkPath: string,
  driverDir: string,
  name: string,
): Promise<{ gopath: string; binary: string }> {
  const gopath = mkdtempSync(join(tmpdir(), `hb-gopath-${name}-`));
  mkdirSync(join(gopath, 'src', 'github.com', 'hookbridge'), { recursive: true });
  symlinkSync(sdkPath, join(gopath, 'src', 'github.com', 'hookbridge', 'hookbridge-go'));
  symlinkSync(driverDir, join(gopath, 'src', name));
  const binary = join(gopath, name);
  const built = await run('go', ['build', '-o', binary, name], {
    env: { GO111MODULE: 'off', GOPATH: gopath, GOFLAGS: '', GOCACHE: join(gopath, 'cache') },
    cwd: gopath,
    timeoutMs: 300_000,
  });
  if (built.code !== 0) throw new Error(`go build ${name}: ${built.stderr}`);
  return { gopath, binary };
}
