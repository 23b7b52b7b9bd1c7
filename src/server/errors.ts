// Every platform error fnplay answers with, defined once: code → HTTP status, and why it exists.
// Function errors are not here: they answer 200 with x-fc-error-type (see invocations/).

export const FC_ERRORS = {
  InvalidArgument: 400, // a field or header fails validation; nothing changed
  EntityTooLarge: 400, // payload past the sync/async limit
  MissingRequiredHeader: 400,
  PathNotSupported: 400, // no route for this method and path
  AccessDenied: 403, // HTTP trigger method not allowed, or foreign Host header
  SignatureNotMatch: 403,
  InvalidAccessKeyID: 403,
  ServiceNotFound: 404,
  FunctionNotFound: 404,
  TriggerNotFound: 404,
  VersionNotFound: 404,
  AliasNotFound: 404,
  OnDemandConfigNotFound: 404,
  LayerNotFound: 404, // no version of that layer exists (never published, or every version deleted)
  LayerVersionNotFound: 404, // the layer exists but not that version (deleted numbers are never reused)
  InstanceNotFound: 404,
  InvocationNotFound: 404,
  DomainNameNotFound: 404, // no custom domain of that name
  DomainNameAlreadyExists: 409,
  ServiceAlreadyExists: 409,
  AliasAlreadyExists: 409,
  AsyncConfigNotExists: 404, // no async invoke config for that function and qualifier (ERR21)
  StatefulAsyncInvocationAlreadyExists: 409, // x-fc-stateful-async-invocation-id was used before for this function (FC refuses it; its code is undocumented)
  AsyncInvocationStopped: 412, // the async invocation has ended: nothing to stop (ERR21)
  VersionInUse: 409, // an alias points at the version (FC refuses the delete; its code is undocumented)
  AliasInUse: 409, // the alias still has provisioned instances (target > 0): set the target to 0 first
  AdditionalVersionContainsMajorVersion: 400, // an alias's additional version is its own main version (ERR21)
  FunctionAlreadyExists: 409,
  TriggerAlreadyExists: 409,
  ServiceNotEmpty: 409, // FC refuses to delete a service that still has functions; its code is undocumented
  FunctionNotEmpty: 409, // function still has triggers
  ImageNotFound: 404, // no stored image has that digest
  ImageInUse: 409, // a function's configuration (or the revision still serving) names the image: deleting it would break its next cold start
  MethodNotAllowed: 405, // HTTP trigger does not list the request's method
  PreconditionFailed: 412, // If-Match does not match the resource's ETag
  ResourceExhausted: 429, // no instance can take the request (limits reached)
  InternalServerError: 500,
  BadResponse: 502, // the function answered something FC cannot pass on
  FunctionNotStarted: 502, // the instance's server did not listen before the start deadline
  CAExited: 502, // the instance process exited while starting
  CAFilePermission: 502, // bootstrap lacks the execute bit
  CodeNotReady: 503, // the code is still being prepared and this runtime cannot run unprepared code
  Unauthorized: 401, // playground API without the per-start token
} as const;

export type FcErrorCode = keyof typeof FC_ERRORS;

export class FcError extends Error {
  readonly status: number;
  constructor(
    readonly code: FcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FcError';
    this.status = FC_ERRORS[code];
  }

  toBody() {
    return { ErrorCode: this.code, ErrorMessage: this.message };
  }
}
