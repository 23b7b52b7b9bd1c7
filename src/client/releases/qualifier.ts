import { create } from 'zustand';
import { LATEST } from '../../shared/releases-api.ts';

/**
 * The qualifier the page invokes and looks at: LATEST, a version id or an alias. Invoke sends its
 * calls there; Execution summary, History and Instances show what ran there.
 */
interface QualifierState {
  qualifier: string;
  setQualifier(q: string): void;
}

export const useQualifier = create<QualifierState>()((set) => ({
  qualifier: LATEST,
  setQualifier: (qualifier) => set({ qualifier }),
}));

/** The service segment of a path at a qualifier: `svc` for LATEST, else `svc.qualifier`. */
export const serviceAt = (service: string, qualifier: string) => (qualifier === LATEST ? service : `${service}.${qualifier}`);
