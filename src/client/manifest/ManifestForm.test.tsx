import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSession } from '../invoke/session.ts';
import { RUNTIMES } from '../../shared/function-config.ts';
import { DEFAULT_MANIFEST } from '../workspace/defaults.ts';
import { useWorkspace } from '../workspace/store.ts';
import type { ManifestDraft } from '../workspace/types.ts';
import { ManifestForm } from './ManifestForm.tsx';
import { validateManifest } from './validate-manifest.ts';

const manifest = () => useWorkspace.getState().manifest;
const setup = () => {
  const user = userEvent.setup();
  render(<ManifestForm />);
  return { user, form: within(screen.getByRole('region', { name: 'Manifest' })) };
};
/** Replaces a field's text the way a user does: select all, type. */
async function retype(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, text: string) {
  await user.clear(input);
  if (text) await user.type(input, text);
}

beforeEach(() => {
  useWorkspace.setState({ manifest: DEFAULT_MANIFEST, deployed: null });
  useSession.setState({ error: null, phase: 'idle' });
});

describe('ManifestForm editing', () => {
  it('sends every edit to the workspace store as it is typed', async () => {
    const { user, form } = setup();
    await retype(user, form.getByLabelText('Function name'), 'orders');
    await retype(user, form.getByLabelText('Memory (MB)'), '512');
    await user.selectOptions(form.getByLabelText('Function type'), 'HTTP');
    await retype(user, form.getByLabelText('PreStop handler'), 'index.preStop');
    expect(manifest()).toMatchObject({ functionName: 'orders', memorySize: 512, functionType: 'http', preStopHandler: 'index.preStop' });
  });

  it('edits environment variables as rows', async () => {
    const { user, form } = setup();
    const group = within(form.getByRole('group', { name: 'Environment variables' }));
    await user.click(group.getByRole('button', { name: 'Add variable' }));
    await user.keyboard('LEVEL'); // the new row's name has the focus
    await user.type(group.getByLabelText('Variable value'), 'debug');
    await user.click(group.getByRole('button', { name: 'Add variable' }));
    await user.type(group.getAllByLabelText('Variable name')[1]!, 'REGION');
    expect(manifest().environmentVariables).toEqual([['LEVEL', 'debug'], ['REGION', '']]);
    await user.click(group.getAllByRole('button', { name: 'Remove variable' })[0]!);
    expect(manifest().environmentVariables).toEqual([['REGION', '']]);
  });

  it('shows Command, Args and Listening port only for custom runtimes', async () => {
    const { user, form } = setup();
    expect(form.queryByLabelText('Command')).not.toBeInTheDocument();
    expect(form.queryByLabelText('Listening port')).not.toBeInTheDocument();
    await user.selectOptions(form.getByLabelText('Runtime'), 'custom.debian10');
    await user.type(form.getByLabelText('Command'), 'node  --enable-source-maps ');
    await user.type(form.getByLabelText('Args'), 'server.js "hello world"');
    expect(form.getByLabelText('Command')).toHaveValue('node  --enable-source-maps ');
    expect(manifest()).toMatchObject({ runtime: 'custom.debian10', command: ['node', '--enable-source-maps'], args: ['server.js', 'hello world'] });
    await retype(user, form.getByLabelText('Listening port'), '70000');
    expect(form.getByLabelText('Listening port')).toHaveAccessibleDescription('must be at most 65535');
    await user.selectOptions(form.getByLabelText('Runtime'), 'nodejs20');
    expect(form.queryByLabelText('Command')).not.toBeInTheDocument();
  });

  it('lists every runtime the service accepts, each under its language', () => {
    const { form } = setup();
    const runtime = form.getByLabelText('Runtime');
    expect(within(runtime).getAllByRole('option').map((o) => o.textContent).sort()).toEqual([...RUNTIMES].sort());
    expect(within(runtime).getByRole('group', { name: 'Go' })).toContainElement(within(runtime).getByRole('option', { name: 'go1' }));
    const node = within(within(runtime).getByRole('group', { name: 'Node.js' })).getAllByRole('option').map((o) => o.textContent);
    expect(node).toEqual(RUNTIMES.filter((r) => r.startsWith('nodejs')).sort((a, b) => Number(b.slice(6)) - Number(a.slice(6))));
    const python = RUNTIMES.filter((r) => r.startsWith('python'));
    if (python.length > 0) {
      const group = within(runtime).getByRole('group', { name: 'Python' });
      expect(within(group).getAllByRole('option').map((o) => o.textContent).sort()).toEqual([...python].sort());
    }
  });

  it('says under Basics that Node.js 16 and earlier answer through the callback', async () => {
    const old = RUNTIMES.find((r) => /^nodejs(8|10|12|14|16)$/.test(r))!;
    const { user, form } = setup();
    const basics = form.getByRole('group', { name: 'Basics' });
    expect(basics).not.toHaveTextContent(/callback/);
    await user.selectOptions(form.getByLabelText('Runtime'), old);
    expect(basics).toHaveTextContent(`${old} answers through the callback`);
    await user.selectOptions(form.getByLabelText('Runtime'), 'nodejs20');
    expect(basics).not.toHaveTextContent(/callback/);
  });

  it('names a Python function and its hooks as FC does, once a Python runtime is listed', async () => {
    const python = RUNTIMES.find((r) => r.startsWith('python'));
    if (!python) return; // the service does not run Python yet: nothing to choose
    useWorkspace.setState({ manifest: { ...DEFAULT_MANIFEST, runtime: 'go1', handler: 'main' } });
    const { user, form } = setup();
    await user.selectOptions(form.getByLabelText('Runtime'), python);
    expect(manifest()).toMatchObject({ runtime: python, handler: 'index.handler' });
    expect(form.getByLabelText('Handler')).toHaveAttribute('placeholder', 'index.handler');
    expect(form.getByLabelText('Initializer')).toHaveAttribute('placeholder', 'index.initialize');
    expect(form.getByLabelText('PreFreeze handler')).toHaveAttribute('placeholder', 'index.pre_freeze');
    expect(form.getByLabelText('PreStop handler')).toHaveAttribute('placeholder', 'index.pre_stop');
    expect(form.getByRole('group', { name: 'Lifecycle hooks' })).toHaveTextContent(/def initialize\(context\)/);
    expect(validateManifest(manifest())).toEqual({});
  });

  it('switches the default handler with the runtime, and keeps one the user typed', async () => {
    const { user, form } = setup();
    await user.selectOptions(form.getByLabelText('Runtime'), 'go1');
    expect(manifest()).toMatchObject({ runtime: 'go1', handler: 'main' });
    expect(form.getByLabelText('Handler')).toHaveAttribute('placeholder', 'main');
    expect(form.getByRole('group', { name: 'Lifecycle hooks' })).toHaveTextContent(/fc\.Register…Function/);
    await user.selectOptions(form.getByLabelText('Runtime'), 'nodejs18');
    expect(manifest().handler).toBe('index.handler');
    await retype(user, form.getByLabelText('Handler'), 'src/app.main');
    await user.selectOptions(form.getByLabelText('Runtime'), 'go1');
    expect(manifest().handler).toBe('src/app.main');
  });

  it('shows the HTTP trigger settings only for HTTP functions', async () => {
    const { user, form } = setup();
    expect(form.queryByRole('group', { name: 'HTTP methods' })).not.toBeInTheDocument();
    await user.selectOptions(form.getByLabelText('Function type'), 'http');
    const methods = within(form.getByRole('group', { name: 'HTTP methods' }));
    await user.click(methods.getByLabelText('PUT'));
    await user.selectOptions(form.getByLabelText('Authentication'), 'function');
    expect(manifest()).toMatchObject({ httpMethods: ['GET', 'POST', 'PUT'], httpAuthType: 'function' });
  });
});

describe('ManifestForm validation', () => {
  it.each([
    ['100', 'must be a multiple of 64 between 128 and 32768'],
    ['129', 'must be a multiple of 64 between 128 and 32768'],
    ['', 'required'],
  ])('says what is wrong with memory %j under the field', async (typed, message) => {
    const { user, form } = setup();
    const memory = form.getByLabelText('Memory (MB)');
    await retype(user, memory, typed);
    expect(memory).toHaveAttribute('aria-invalid', 'true');
    expect(memory).toHaveAccessibleDescription(message);
    await retype(user, memory, '192');
    expect(memory).not.toHaveAttribute('aria-invalid');
    expect(form.queryByText(message)).not.toBeInTheDocument();
  });

  it('refuses a timeout of 0 and a fractional one', async () => {
    const { user, form } = setup();
    const timeout = form.getByLabelText('Timeout (s)');
    await retype(user, timeout, '0');
    expect(timeout).toHaveAccessibleDescription('must be at least 1');
    await retype(user, timeout, '1.5');
    expect(timeout).toHaveAccessibleDescription('must be a whole number');
    expect(manifest().timeout).toBe(1.5);
  });

  it('checks service and function names with the service name schema', async () => {
    const { user, form } = setup();
    await retype(user, form.getByLabelText('Service name'), '9lives');
    expect(form.getByLabelText('Service name')).toHaveAccessibleDescription(/must contain only letters, digits, _ and -/);
    await retype(user, form.getByLabelText('Function name'), '');
    expect(form.getByLabelText('Function name')).toHaveAccessibleDescription('required');
    await retype(user, form.getByLabelText('Function name'), 'bad name');
    expect(form.getByLabelText('Function name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('marks a reserved environment variable name on its row', async () => {
    const { user, form } = setup();
    await user.click(form.getByRole('button', { name: 'Add variable' }));
    await user.keyboard('FC_X');
    const name = form.getByLabelText('Variable name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription("environment variable name 'FC_X' is reserved");
    expect(form.getByRole('group', { name: 'Environment variables' })).toHaveAccessibleDescription(/FC_X' is reserved/);
  });

  it('asks for at least one HTTP method', async () => {
    useWorkspace.setState({ manifest: { ...DEFAULT_MANIFEST, functionType: 'http', httpMethods: ['GET'] } });
    const { user, form } = setup();
    await user.click(form.getByLabelText('GET'));
    expect(form.getByRole('group', { name: 'HTTP methods' })).toHaveAccessibleDescription('choose at least one');
  });

  it('shows a deploy error next to the field the service named, until that field changes', async () => {
    const { user, form } = setup();
    act(() =>
      useSession.setState({ error: { action: 'deploy', code: 'InvalidArgument', message: 'function.handler: handler module not found', field: 'function.handler' } }),
    );
    const handler = form.getByLabelText('Handler');
    expect(handler).toHaveAccessibleDescription('handler module not found');
    await user.type(form.getByLabelText('Function name'), 'x');
    expect(handler).toHaveAccessibleDescription('handler module not found');
    await user.type(handler, 'x');
    expect(handler).not.toHaveAttribute('aria-invalid');
  });
});

describe('ManifestForm s.yaml', () => {
  const full: ManifestDraft = {
    ...DEFAULT_MANIFEST,
    serviceName: 'shop',
    functionName: 'checkout',
    runtime: 'custom',
    functionType: 'http',
    memorySize: 2048,
    initializer: 'index.init',
    environmentVariables: [['MODE', 'prod']],
    command: ['node'],
    args: ['server.js'],
    caPort: 8000,
    httpMethods: ['POST'],
    httpAuthType: 'function',
  };
  const downloads: Blob[] = [];
  beforeEach(() => {
    downloads.length = 0;
    URL.createObjectURL = vi.fn((blob: Blob) => (downloads.push(blob), 'blob:s-yaml'));
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  it('exports s.yaml and imports it back to the same manifest', async () => {
    useWorkspace.setState({ manifest: full });
    const { user, form } = setup();
    await user.click(form.getByRole('button', { name: 'Export s.yaml' }));
    expect(downloads).toHaveLength(1);
    const text = await downloads[0]!.text();
    expect(text).toMatch(/component: fc/);

    act(() => useWorkspace.getState().setManifest(DEFAULT_MANIFEST));
    expect(form.getByLabelText('Memory (MB)')).toHaveValue(128);
    await user.upload(form.getByLabelText('Import s.yaml file'), new File([text], 's.yaml', { type: 'text/yaml' }));

    expect(await form.findByRole('status')).toHaveTextContent('Imported shop/checkout from s.yaml');
    expect(manifest()).toEqual(full);
    expect(form.getByLabelText('Memory (MB)')).toHaveValue(2048);
    expect(form.getByLabelText('Command')).toHaveValue('node');
    expect(form.getByLabelText('Listening port')).toHaveValue(8000);
  });

  it('says why a bad file cannot be imported and changes nothing', async () => {
    useWorkspace.setState({ manifest: full });
    const { user, form } = setup();
    await user.upload(form.getByLabelText('Import s.yaml file'), new File(['edition: 1.0.0\nname: x\n'], 'broken.yaml', { type: 'text/yaml' }));
    expect(await form.findByRole('alert')).toHaveTextContent(/Could not import broken\.yaml: s\.yaml has no `services`/);
    expect(manifest()).toEqual(full);
  });
});
