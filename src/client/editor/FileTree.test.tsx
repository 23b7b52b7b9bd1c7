import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { useDeployedSnapshot } from './deployed-snapshot.ts';
import { FileTree } from './FileTree.tsx';
import { givenWorkspace, workspace } from './test-workspace.ts';

const item = (name: string) => screen.getByRole('treeitem', { name });
const names = () => screen.getAllByRole('treeitem').map((el) => el.getAttribute('aria-label'));

function setup() {
  const user = userEvent.setup();
  render(<FileTree />);
  return user;
}

beforeEach(() => givenWorkspace({ 'index.js': 'exports.handler = 1;' }));

describe('FileTree', () => {
  it('lists folders before files, each sorted by name, with their levels', () => {
    givenWorkspace({ 'b.js': '', 'a.js': '', 'lib/z.js': '', 'lib/a.js': '', 'conf/x.json': '' }, { folders: ['empty'] });
    setup();
    expect(names()).toEqual(['conf', 'x.json', 'empty', 'lib', 'a.js', 'z.js', 'a.js', 'b.js']);
    expect(item('lib')).toHaveAttribute('aria-level', '1');
    expect(within(screen.getByRole('tree')).getAllByRole('treeitem', { name: 'z.js' })[0]).toHaveAttribute('aria-level', '2');
  });

  it('opens a file when it is clicked and marks it selected', async () => {
    givenWorkspace({ 'a.js': '', 'b.js': '' }, { openFile: 'a.js' });
    const user = setup();
    await user.click(item('b.js'));
    expect(workspace().openFile).toBe('b.js');
    expect(item('b.js')).toHaveAttribute('aria-selected', 'true');
    expect(item('a.js')).toHaveAttribute('aria-selected', 'false');
  });

  it('collapses and expands a folder', async () => {
    givenWorkspace({ 'lib/a.js': '', 'index.js': '' }, { openFile: 'index.js' });
    const user = setup();
    await user.click(item('lib'));
    expect(item('lib')).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('treeitem', { name: 'a.js' })).toBeNull();
    await user.click(item('lib'));
    expect(item('lib')).toHaveAttribute('aria-expanded', 'true');
    expect(item('a.js')).toBeInTheDocument();
  });

  it('creates a new file with the inline name field, and opens it', async () => {
    const user = setup();
    await user.click(screen.getByRole('button', { name: 'New file' }));
    await user.type(screen.getByLabelText('File name'), 'util.js{Enter}');
    expect(workspace().files['util.js']).toEqual({ content: '', executable: false });
    expect(workspace().openFile).toBe('util.js');
    expect(screen.queryByLabelText('File name')).toBeNull();
    expect(item('util.js')).toHaveAttribute('aria-selected', 'true');
    expect(item('util.js')).toHaveFocus();
  });

  it('creates a new file inside the selected folder', async () => {
    givenWorkspace({ 'lib/a.js': '', 'index.js': '' }, { openFile: 'index.js' });
    const user = setup();
    await user.click(item('lib'));
    await user.click(screen.getByRole('button', { name: 'New file' }));
    await user.type(screen.getByLabelText('File name'), 'b.js{Enter}');
    expect(Object.keys(workspace().files).sort()).toEqual(['index.js', 'lib/a.js', 'lib/b.js']);
  });

  it('creates nested folders from a name with slashes', async () => {
    const user = setup();
    await user.click(screen.getByRole('button', { name: 'New file' }));
    await user.type(screen.getByLabelText('File name'), 'src/handlers/http.js{Enter}');
    expect(workspace().files['src/handlers/http.js']).toBeDefined();
    expect(names()).toEqual(['src', 'handlers', 'http.js', 'index.js']);
  });

  it('creates an empty folder', async () => {
    const user = setup();
    await user.click(screen.getByRole('button', { name: 'New folder' }));
    await user.type(screen.getByLabelText('File name'), 'assets{Enter}');
    expect(workspace().folders).toEqual(['assets']);
    expect(item('assets')).toHaveAttribute('aria-expanded', 'true');
  });

  it('cancels a new name with Escape', async () => {
    const user = setup();
    await user.click(screen.getByRole('button', { name: 'New file' }));
    await user.type(screen.getByLabelText('File name'), 'nope.js{Escape}');
    expect(Object.keys(workspace().files)).toEqual(['index.js']);
    expect(screen.queryByLabelText('File name')).toBeNull();
  });

  it('refuses a name that is taken or malformed, and says why', async () => {
    const user = setup();
    await user.click(screen.getByRole('button', { name: 'New file' }));
    const input = screen.getByLabelText('File name');
    await user.type(input, 'index.js{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('index.js already exists');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    await user.clear(input);
    await user.type(input, '../etc/passwd{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('. or ..');
    await user.clear(input);
    await user.type(input, 'index.js/inner.js{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('index.js is a file');
    expect(Object.keys(workspace().files)).toEqual(['index.js']);
  });

  it('renames a file, keeping it open', async () => {
    const user = setup();
    await user.click(item('index.js'));
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const input = screen.getByLabelText('File name');
    expect(input).toHaveValue('index.js');
    await user.clear(input);
    await user.type(input, 'main.js{Enter}');
    expect(workspace().files).toEqual({ 'main.js': { content: 'exports.handler = 1;', executable: false } });
    expect(workspace().openFile).toBe('main.js');
  });

  it('renaming a folder moves every file below it', async () => {
    givenWorkspace({ 'lib/a.js': 'A', 'lib/deep/b.js': 'B', 'library.js': 'L' }, { openFile: 'lib/deep/b.js', folders: ['lib/empty'] });
    const user = setup();
    await user.click(item('lib'));
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const input = screen.getByLabelText('File name');
    await user.clear(input);
    await user.type(input, 'src{Enter}');
    expect(Object.keys(workspace().files).sort()).toEqual(['library.js', 'src/a.js', 'src/deep/b.js']);
    expect(workspace().files['src/deep/b.js'].content).toBe('B');
    expect(workspace().folders).toEqual(['src/empty']);
    expect(workspace().openFile).toBe('src/deep/b.js');
    expect(item('src')).toBeInTheDocument();
  });

  it('deletes the selected file only after the inline confirmation', async () => {
    givenWorkspace({ 'a.js': '', 'b.js': '' }, { openFile: 'a.js' });
    const user = setup();
    await user.click(item('a.js'));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('group', { name: 'Confirm delete' });
    expect(confirm).toHaveTextContent('Delete a.js?');
    expect(Object.keys(workspace().files)).toEqual(['a.js', 'b.js']);
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(Object.keys(workspace().files)).toEqual(['b.js']);
    // Something stays open.
    expect(workspace().openFile).toBe('b.js');
    expect(screen.queryByRole('group', { name: 'Confirm delete' })).toBeNull();
  });

  it('keeps the file when the confirmation is cancelled, by button or Escape', async () => {
    const user = setup();
    await user.click(item('index.js'));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.keyboard('{Escape}');
    expect(Object.keys(workspace().files)).toEqual(['index.js']);
    expect(screen.queryByRole('group', { name: 'Confirm delete' })).toBeNull();
  });

  it('deletes a folder with everything in it, saying how much', async () => {
    givenWorkspace({ 'lib/a.js': '', 'lib/deep/b.js': '', 'index.js': '' }, { openFile: 'lib/a.js' });
    const user = setup();
    await user.click(item('lib'));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('group', { name: 'Confirm delete' });
    expect(confirm).toHaveTextContent('Delete lib and 2 files in it?');
    // Focus starts on the confirm button, so Enter deletes.
    await user.keyboard('{Enter}');
    expect(Object.keys(workspace().files)).toEqual(['index.js']);
    expect(workspace().openFile).toBe('index.js');
  });

  it('toggles the exec bit of the selected file, and not of a folder', async () => {
    givenWorkspace({ bootstrap: '#!/bin/sh\n', 'lib/a.js': '' }, { openFile: 'lib/a.js' });
    const user = setup();
    const toggle = screen.getByRole('checkbox', { name: 'Executable' });
    await user.click(item('bootstrap'));
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    expect(workspace().files.bootstrap.executable).toBe(true);
    expect(item('bootstrap')).toHaveAccessibleDescription(/executable/);
    await user.click(toggle);
    expect(workspace().files.bootstrap.executable).toBe(false);
    await user.click(item('lib'));
    expect(toggle).toBeDisabled();
  });

  it('marks files changed since the last deploy, and new ones', async () => {
    givenWorkspace({ 'a.js': 'A', 'lib/b.js': 'B' }, { openFile: 'a.js' });
    useDeployedSnapshot.getState().remember({ 'a.js': 'A', 'lib/b.js': 'B' });
    const user = setup();
    expect(item('a.js')).not.toHaveAccessibleDescription(/changed/);
    expect(item('lib')).not.toHaveAccessibleDescription(/changed/);

    workspace().setFileContent('lib/b.js', 'B2');
    expect(await screen.findByRole('treeitem', { name: 'b.js', description: /changed since the last deploy/ })).toBeInTheDocument();
    // The folder shows that something inside changed, so a collapsed folder still tells.
    expect(item('lib')).toHaveAccessibleDescription(/changed/);
    expect(item('a.js')).not.toHaveAccessibleDescription(/changed/);

    await user.click(screen.getByRole('button', { name: 'New file' }));
    await user.type(screen.getByLabelText('File name'), 'c.js{Enter}');
    expect(item('c.js')).toHaveAccessibleDescription(/changed/);
  });

  it('marks every file before anything was deployed', () => {
    setup();
    expect(item('index.js')).toHaveAccessibleDescription(/changed/);
  });

  it('moves with the arrow keys, opens with Enter, renames with F2', async () => {
    givenWorkspace({ 'lib/a.js': '', 'x.js': '', 'y.js': '' }, { openFile: 'x.js' });
    const user = setup();
    item('x.js').focus();
    await user.keyboard('{ArrowDown}');
    expect(item('y.js')).toHaveFocus();
    expect(workspace().openFile).toBe('x.js'); // moving does not open
    await user.keyboard('{Enter}');
    expect(workspace().openFile).toBe('y.js');
    await user.keyboard('{Home}{ArrowLeft}');
    expect(item('lib')).toHaveAttribute('aria-expanded', 'false');
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(item('a.js')).toHaveFocus();
    await user.keyboard('{ArrowLeft}');
    expect(item('lib')).toHaveFocus();
    await user.keyboard('{End}{F2}');
    const input = screen.getByLabelText('File name');
    await user.clear(input);
    await user.type(input, 'z.js{Enter}');
    expect(Object.keys(workspace().files).sort()).toEqual(['lib/a.js', 'x.js', 'z.js']);
    expect(item('z.js')).toHaveFocus();
  });
});
