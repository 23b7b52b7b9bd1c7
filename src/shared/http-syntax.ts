// What HTTP allows in a header (RFC 9110 §5): checked wherever header names or values come from
// outside (a client's request, a function's answer), before Node or undici would throw on them.

/** A header name: token characters only. */
export const isHeaderName = (name: string) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);

/** A control character other than HTAB: CR/LF would split a message, NUL ends strings. */
// eslint-disable-next-line no-control-regex
export const hasControlCharacter = (value: string) => /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
