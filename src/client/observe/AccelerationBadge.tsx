/** Placeholder until this badge is built. */
export function AccelerationBadge() {
  return <span aria-label="Acceleration status">—</span>;
}
