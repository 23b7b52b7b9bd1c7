// `fnplay deploy [-t s.yaml]`: the services and functions of a Serverless Devs s.yaml created or
// updated on a running fnplay through the FC API, as `s deploy` does against FC: the service, the
// function with its codeUri zipped from disk, its triggers (http, timer) and its async config.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';
import type { ServiceInfo } from '../shared/sandbox-status.ts';
import { connectionOf, CONNECTION_OPTIONS, errorOf, FC_API, formatBytes, jsonOf, progressLine, runCommand, send, UsageError, type Connection } from './cli-common.ts';
import { planDeploy, type DeployPlan } from './cli-deploy-plan.ts';

const USAGE = 'usage: fnplay deploy [-t s.yaml] [--endpoint http://127.0.0.1:7070] [--data-dir ~/.fnplay]';
/** Past this many bytes, zipping and uploading show their progress. */
const PROGRESS_FROM = 1 << 20;

export function runDeployCommand(argv: string[]): Promise<number> {
  return runCommand(USAGE, async () => {
    const { values, positionals } = parse(argv);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`deploy takes no arguments, got ${positionals.join(' ')} (the file goes in -t)`);
    const file = templateOf(values.template);
    const plans = planDeploy(readFileSync(file, 'utf8'), file);
    const conn = connectionOf(values);
    return deploy(conn, file, plans);
  });
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...CONNECTION_OPTIONS, template: { type: 'string', short: 't' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** -t, else s.yaml or s.yml in the current directory, as `s` looks for it. */
function templateOf(given: string | undefined): string {
  if (given !== undefined) {
    const file = resolve(given);
    if (!existsSync(file)) throw new UsageError(`cannot read ${given}: no such file`);
    return file;
  }
  for (const name of ['s.yaml', 's.yml']) if (existsSync(name)) return resolve(name);
  throw new UsageError('no s.yaml or s.yml here: give the file with -t');
}

async function deploy(conn: Connection, file: string, plans: DeployPlan[]): Promise<number> {
  // the keys and the service are checked before any zip is made
  const info = jsonOf<ServiceInfo>(await send(conn, 'GET', '/api/info'));
  console.log(`Deploying ${relative(process.cwd(), file) || file} to fnplay at ${conn.endpoint.origin} (region ${info.region}, account ${info.accountId})`);
  for (const plan of plans) await deployOne(conn, info, plan);
  return 0;
}

async function deployOne(conn: Connection, info: ServiceInfo, plan: DeployPlan) {
  const s = plan.service.serviceName;
  const f = plan.fn.functionName;
  const api = (method: string, path: string, body?: unknown, onSent?: (sent: number, total: number) => void) =>
    send(conn, method, `${FC_API}${path}`, body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), onSent });
  const exists = async (path: string) => {
    const answer = await api('GET', path);
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw errorOf(answer);
  };
  const sPath = `/services/${encodeURIComponent(s)}`;
  const fPath = `${sPath}/functions/${encodeURIComponent(f)}`;

  // 1. the service
  const { serviceName, ...serviceFields } = plan.service;
  if (!(await exists(sPath))) {
    jsonOf(await api('POST', '/services', plan.service));
    console.log(`✔ service ${s}: created`);
  } else if (Object.keys(serviceFields).length > 0) {
    jsonOf(await api('PUT', sPath, serviceFields));
    console.log(`✔ service ${s}: updated`);
  } else {
    console.log(`✔ service ${s}: exists`);
  }

  // 2. the function, with its code
  const code = plan.codeUri ? await zipCode(plan.codeUri) : null;
  const fnExists = await exists(fPath);
  const upload = code && code.zip.length > PROGRESS_FROM ? progressLine(() => `uploading ${formatBytes(code.zip.length)} of code…`) : null;
  const onSent = upload ? (sent: number, total: number) => upload.update(sent / total) : undefined;
  const body = { ...plan.fn, ...(code ? { code: { zipFile: code.zip.toString('base64') } } : {}) };
  try {
    if (fnExists) {
      const { functionName, ...fields } = body;
      jsonOf(await api('PUT', fPath, fields, onSent));
    } else {
      jsonOf(await api('POST', `${sPath}/functions`, body, onSent));
    }
  } finally {
    upload?.done();
  }
  const codeNote = code ? `, code ${code.describe}` : plan.codeUri === null && fnExists ? ', code unchanged' : '';
  console.log(`✔ function ${s}/${f}: ${fnExists ? 'updated' : 'created'} (${plan.fn.runtime}, ${plan.fn.handler}${codeNote})`);

  // 3. its triggers
  for (const t of plan.triggers) {
    const tPath = `${fPath}/triggers/${encodeURIComponent(t.triggerName)}`;
    const tExists = await exists(tPath);
    if (tExists) {
      const { triggerName, triggerType, ...fields } = t;
      jsonOf(await api('PUT', tPath, fields));
    } else {
      jsonOf(await api('POST', `${fPath}/triggers`, t));
    }
    const what = t.triggerType === 'http'
      ? `http, ${t.triggerConfig.authType}, ${t.triggerConfig.methods.join(' ')}`
      : `timer, ${t.triggerConfig.cronExpression}${t.triggerConfig.enable ? '' : ', disabled'}`;
    console.log(`✔ trigger ${s}/${f}/${t.triggerName}: ${tExists ? 'updated' : 'created'} (${what})`);
    if (t.triggerType === 'http') {
      const qualified = t.qualifier && t.qualifier !== 'LATEST' ? `${s}.${t.qualifier}` : s;
      console.log(`  URL ${conn.endpoint.origin}${FC_API}/proxy/${qualified}/${f}/`);
    }
  }

  // 4. its async config, destinations as `s deploy` fills them in: `acs:fc:::` gets the region and account
  if (plan.asyncConfig) {
    const fill = (d: { destination: string } | null | undefined) =>
      d ? { destination: d.destination.replace(/^acs:fc:::/, `acs:fc:${info.region}:${info.accountId}:`) } : d;
    const dc = plan.asyncConfig.destinationConfig;
    const cfg = { ...plan.asyncConfig, ...(dc ? { destinationConfig: { onSuccess: fill(dc.onSuccess), onFailure: fill(dc.onFailure) } } : {}) };
    jsonOf(await api('PUT', `${fPath}/async-invoke-config`, cfg));
    console.log(`✔ async config ${s}/${f}: set`);
  }
}

interface ZippedCode {
  zip: Buffer;
  describe: string;
}

/** A .zip file as it is; a directory zipped with its files' modes, as `s deploy` packs a codeUri. */
async function zipCode(codeUri: string): Promise<ZippedCode> {
  const rel = relative(process.cwd(), codeUri);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? rel : `./${rel}`;
  if (statSync(codeUri).isFile()) {
    const zip = await readFile(codeUri);
    return { zip, describe: `${shown} (${formatBytes(zip.length)})` };
  }
  const zip = new JSZip();
  let files = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        zip.file(relative(codeUri, full), readFileSync(full), { unixPermissions: st.mode & 0o777, date: st.mtime });
        files++;
        bytes += st.size;
      }
    }
  };
  walk(codeUri);
  const progress = bytes > PROGRESS_FROM ? progressLine(() => `zipping ${shown} (${files} files, ${formatBytes(bytes)})…`) : null;
  try {
    const out = await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' }, progress ? (m) => progress.update(m.percent / 100) : undefined);
    return { zip: out, describe: `${shown}: ${files} file${files === 1 ? '' : 's'}, ${formatBytes(out.length)} zipped` };
  } finally {
    progress?.done();
  }
}

