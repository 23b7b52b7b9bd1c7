import { parseJsonWords } from '../../shared/function-config.ts';

/**
 * FC carries a container's `command` and `args` as JSON arrays inside strings
 * (`'["/server","--port","9000"]'`), where '' means the image's own ENTRYPOINT / CMD. The form
 * edits them as words; these convert both ways.
 */
export function wordsToJson(words: readonly string[]): string {
  return words.length === 0 ? '' : JSON.stringify(words);
}

/** The words of FC's string; a string that is not a JSON array of strings is an Error saying so. */
export function jsonToWords(json: string): string[] {
  const words = parseJsonWords(json);
  if (typeof words === 'string') throw new Error(words);
  return words;
}
