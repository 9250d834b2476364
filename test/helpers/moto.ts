/**
 * moto_server for the suites that talk to it over the wire (test/integration, test/emulator):
 * whether it can run here, a free port, start and stop.
 *
 * Without moto a suite skips and says why, except under `CI=true`, where a missing moto is a
 * failure (`requireMoto`): CI must never pass because the emulator was absent.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export type MotoAvailability = { available: true; version: string } | { available: false; reason: string };

/** Whether moto's server can run here, and if not, why. */
export function detectMoto(): MotoAvailability {
  const python = spawnSync('python3', ['-c', 'import moto, moto.server; print(moto.__version__)'], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (python.error) return { available: false, reason: `python3 could not be run (${python.error.message})` };
  if (python.status !== 0) {
    return {
      available: false,
      reason: 'python3 cannot import moto with its server extras (install with: pip install "moto[server]")',
    };
  }
  const onPath = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  if (onPath.status !== 0)
    return { available: false, reason: 'moto is installed but moto_server is not on PATH' };
  return { available: true, version: python.stdout.trim() };
}

/** True when the environment says this is CI (`CI=true` or `CI=1`). */
export const isCi = (): boolean => /^(true|1)$/i.test(process.env.CI ?? '');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

export interface MotoServer {
  child: ChildProcess;
  port: number;
  endpoint: string;
  output: () => string;
}

/**
 * Starts moto in its own process group on a free port and waits until it answers. `command`
 * defaults to `moto_server`; the emulator passes its launcher (test/emulator/moto_server.py).
 */
export async function startMoto(
  command: { file: string; args: (port: number) => string[] } = {
    file: 'moto_server',
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
  },
): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn(command.file, command.args(port), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return { child, port, endpoint, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopMoto(child);
  throw new Error(`moto did not answer on port ${port} within 20 s:\n${output}`);
}

/** Ends the moto process group this suite started. */
export function stopMoto(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}
