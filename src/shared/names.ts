import { z } from 'zod';

// FC resource names: letters, digits, `_` and `-`, not starting with a digit or `-` (FC2-API §6).
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const serviceName = z
  .string()
  .min(1)
  .max(128)
  .regex(NAME_RE, 'must contain only letters, digits, _ and -, and not start with a digit or -');
export const functionName = serviceName.max(64);
export const triggerName = serviceName;
