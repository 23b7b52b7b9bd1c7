import type { FunctionRecord, ServiceRecord } from '../store/index.ts';

/** What an instance runs: one revision of one function, as it was when the instance started. */
export interface FunctionRevision {
  service: ServiceRecord;
  fn: FunctionRecord;
  qualifier: string;
  versionId: string;
  region: string;
  accountId: string;
}

export interface InitReport {
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
}

export const revisionKey = (rev: FunctionRevision) => `${rev.service.serviceName}/${rev.fn.config.functionName}#${rev.fn.revision}`;
export const functionKey = (serviceName: string, functionName: string) => `${serviceName}/${functionName}`;
