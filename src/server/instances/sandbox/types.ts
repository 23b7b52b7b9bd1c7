import type { SandboxStatus } from '../../../shared/sandbox-status.ts';

/**
 * What a runtime asks the sandbox to run: data only, so the sandbox never branches on a runtime's name.
 * Paths under `command`, `args` and `env` are as the instance sees them (`/code`, `/tmp`, …).
 */
export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Host directory shown read-only at `/code` (the prepared code). */
  codeDir: string;
  /**
   * How the service reaches the server: `socket` when the process listens on `$FNPLAY_CA_SOCKET`
   * itself (the built-in bootstraps), `tcp` when it listens on a TCP port (custom runtimes: the
   * sandbox relays its Unix socket to that port inside the instance's network namespace), `polls`
   * when it listens on nothing and polls the service instead (FC's runtime API, Go), `none` when
   * it runs once to its exit (a job: a container in non-web-server mode).
   */
  listen: { kind: 'socket' } | { kind: 'tcp'; port: number } | { kind: 'polls' } | { kind: 'none' };
  /**
   * The command runs the function's own code as it starts (a custom runtime's server), so outbound
   * network must be up before it runs; the built-in bootstraps load user code at the first request,
   * so the network comes up while they start, off the cold start's path.
   */
  networkBeforeStart: boolean;
  /** TCP ports on the sandbox's loopback that reach a Unix socket of the service (FC's runtime API). */
  forwards?: { port: number; socket: string }[];
  /** Symlinks made inside the sandbox only (`at` → `target`), e.g. FC's built-in Node.js modules. */
  links?: { target: string; at: string }[];
  /** Host directories shown read-only inside at `at` (an interpreter installed outside /usr, say). */
  binds?: { host: string; at: string }[];
  /**
   * A container image's root filesystem as the whole file system, instead of the host's system
   * directories and /code (custom containers): nothing of the host shows inside, so the TCP
   * relay runs outside, in the sandbox's network namespace only.
   */
  root?: RootSpec;
}

export interface RootSpec {
  /** Host directory of the unpacked image; never written to when `shared`. */
  dir: string;
  /** Shared by every instance of the image (the accelerated tree): changes go to a private layer. */
  shared: boolean;
  /** The image's USER as numbers (from the image's own passwd); uid 0 by default, as on FC. */
  uid: number;
  gid: number;
  /** The image's WorkingDir, `/` when it names none. */
  workingDir: string;
}

/** Per-instance settings that come from the function and service, not from the runtime. */
export interface InstanceLimits {
  memoryMB: number;
  /** Outbound network through a user-mode stack (service `internetAccess`). */
  internetAccess: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** spawn itself failed (ENOENT, EACCES, ENOEXEC) */
  spawnError: NodeJS.ErrnoException | null;
}

/** Where the CA protocol client connects: a Unix socket, or (unsandboxed custom runtimes) a loopback port. */
export type CaAddress = { socketPath: string } | { port: number };

/** One running, isolated instance process tree. */
export interface SandboxedProcess {
  readonly pid: number | null;
  readonly exited: ExitInfo | null;
  readonly address: CaAddress;
  /** The sandbox is set up and the process is running (network attached, cgroup joined). */
  ready: Promise<void>;
  onExit(fn: (e: ExitInfo) => void): void;
  waitExit(): Promise<ExitInfo>;
  /** Settles once the tree is frozen. */
  freeze(): void | Promise<void>;
  thaw(): void;
  /** 1. SIGTERM to the function's processes, 2. SIGKILL of the whole sandbox after the grace. */
  stop(graceMs: number): Promise<ExitInfo>;
  kill(): void;
  memory: MemoryGauge;
  /** The first line bwrap itself wrote about a failure to set up the sandbox, if any. */
  setupError(): string | null;
}

/** Memory of the whole instance: the kernel's counters where a cgroup exists, else /proc sampling. */
export interface MemoryGauge {
  current(): number;
  resetPeak(): void;
  peak(): number;
  /** The kernel's OOM killer fired in this instance. */
  oomKilled(): boolean;
}

/**
 * How an instance sees fnplay's own files and its directories. Runtimes build their launch spec
 * from it, so the same recipe works in the sandbox and without one.
 */
export interface InstanceView {
  sandboxed: boolean;
  codeDir: string;
  tmpDir: string;
  socketPath: string;
  nodeBinary: string;
  /** `src/server/runtimes` */
  runtimesDir: string;
  /** fnplay's `node_modules` (FC's built-in Node.js modules are installed there). */
  nodeModulesDir: string;
  path: string;
}

/** An instance's directories on the host: its own (working code copy, unsandboxed /tmp) and the short one its CA socket lives in. */
export interface InstanceDirs {
  dir: string;
  /** Short on purpose: a Unix socket path has at most 107 bytes. */
  runDir: string;
}

export type { SandboxStatus };

export interface Sandbox {
  status: SandboxStatus;
  /**
   * Instances can get a private writable layer over a shared image tree (overlayfs in a user
   * namespace); without it each container instance needs a private copy of its image.
   */
  writableLayers: boolean;
  dirsFor(instanceId: string): InstanceDirs;
  view(dirs: InstanceDirs, hostCodeDir: string): InstanceView;
  launch(spec: LaunchSpec, limits: InstanceLimits, dirs: InstanceDirs, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): SandboxedProcess;
  /** Removes what a hard-killed earlier run left behind (cgroups, instance dirs). */
  reapLeftovers(): number;
  /** Stops the spare launchers (at service close, after the instances). */
  close(): void;
}
