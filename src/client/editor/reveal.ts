import { create } from 'zustand';
import { useWorkspace } from '../workspace/store.ts';

export interface RevealTarget {
  path: string;
  line: number;
  column: number;
}

/**
 * A place the editor is asked to show: set from outside the editor (a compiler line in the build
 * output), taken by the mounted Monaco editor, which moves its cursor there and clears it. Not
 * persisted: it is a request, not part of what the user edits.
 */
interface RevealState {
  target: RevealTarget | null;
  take(): RevealTarget | null;
}

export const useEditorReveal = create<RevealState>()((set, get) => ({
  target: null,
  take: () => {
    const { target } = get();
    if (target) set({ target: null });
    return target;
  },
}));

/** Opens `path` in the editor with the cursor at line:column (1-based, as compilers count). */
export function revealInEditor(target: RevealTarget) {
  useWorkspace.getState().setOpenFile(target.path);
  useEditorReveal.setState({ target: { ...target } });
}
