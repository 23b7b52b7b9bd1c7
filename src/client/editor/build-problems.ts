import { create } from 'zustand';

export interface BuildProblem {
  path: string;
  line: number;
  column: number;
  message: string;
}

/**
 * The compiler's complaints about the deployed code, for the editor to underline: set by the
 * build output while it shows a failed build, cleared when it goes away (a new build, Ready).
 */
export const useBuildProblems = create<{ problems: readonly BuildProblem[] }>()(() => ({ problems: [] }));

export const setBuildProblems = (problems: readonly BuildProblem[]) => useBuildProblems.setState({ problems });
