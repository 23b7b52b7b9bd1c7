/** What isolates instances on this machine (SPEC §2a), as `GET /api` reports it and the UI shows it. */
export interface SandboxStatus {
  /** `bwrap`: every instance isolated; `none`: instances run in the host's environment. */
  kind: 'bwrap' | 'none';
  /** cgroup used for memory, pids and freezing: `v2`, `v1`, or `none` (sampling and SIGSTOP). */
  cgroup: 'v2' | 'v1' | 'none';
  /** Outbound network helper, when present. */
  network: 'slirp4netns' | 'none';
  /** Calm, one-paragraph notices for the user (what is missing, what to install). */
  notices: string[];
}

/** `GET /api` and `GET /api/info`. */
export interface ServiceInfo {
  accountId: string;
  region: string;
  accessKeyId: string;
  maxInstances: number;
  sandbox: SandboxStatus;
}
