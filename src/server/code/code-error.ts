// The one error this module throws for bad user code. The http layer maps it to FC's
// 400 InvalidArgument, so its message is what the user reads: it names the broken rule.
export class CodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodeError';
  }
}
