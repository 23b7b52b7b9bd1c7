import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** How close to the bottom still counts as "at the tail" (a wheel tick can stop a few pixels short). */
const SLACK_PX = 16;

/**
 * Keeps a scroll box pinned to its bottom while new content arrives, until the user scrolls up;
 * scrolling back down (or `jump()`) pins it again. `changeKey` changes whenever content is added.
 * Our own scrolling also fires scroll events, but it always lands at the bottom, so it reads as
 * "following" and needs no special case.
 */
export function useTailFollow(ref: RefObject<HTMLElement | null>, changeKey: unknown) {
  const [following, setFollowing] = useState(true);

  const toBottom = useCallback(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [ref]);

  useLayoutEffect(() => {
    if (following) toBottom();
  }, [changeKey, following, toBottom]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (el) setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK_PX);
  }, [ref]);

  const jump = useCallback(() => {
    setFollowing(true);
    toBottom();
  }, [toBottom]);

  return { following, onScroll, jump };
}
