import type { Alias } from '../../shared/releases-api.ts';
import { useQualifiedInvocations } from '../observe/use-qualified-invocations.ts';

/** How many of the alias's latest calls are counted. */
export const SPLIT_WINDOW = 20;
const COLORS = ['#58a6ff', '#e3b341', '#a371f7'];

/**
 * The alias's last calls by the version that served them, as a bar, against the weights it is
 * set to: after enough calls the two should agree.
 */
export function AliasSplit({ service, fn, alias }: { service: string; fn: string; alias: Alias }) {
  const { records } = useQualifiedInvocations(service, fn, alias.aliasName);
  const last = records.slice(0, SPLIT_WINDOW);
  const order = [alias.versionId, ...Object.keys(alias.additionalVersionWeight ?? {})];
  // versions the alias no longer names can still be among the last calls
  for (const r of last) if (!order.includes(r.versionId)) order.push(r.versionId);
  const counts = order.map((v) => ({ versionId: v, n: last.filter((r) => r.versionId === v).length }));
  const described = counts.map((c) => `version ${c.versionId} ${c.n}`).join(', ');

  return (
    <div className="rel-split">
      <div className="rel-split-bar" role="img" aria-label={`Split of ${alias.aliasName}'s last ${last.length} calls: ${described}`}>
        {last.length === 0 ? (
          <span className="rel-split-empty" />
        ) : (
          counts.filter((c) => c.n > 0).map((c) => (
            <span key={c.versionId} style={{ width: `${(c.n / last.length) * 100}%`, background: COLORS[order.indexOf(c.versionId) % COLORS.length] }} />
          ))
        )}
      </div>
      <div className="rel-split-legend hint">
        {last.length === 0
          ? `no calls through ${alias.aliasName} yet`
          : counts.map((c) => (
              <span key={c.versionId}>
                <i style={{ background: COLORS[order.indexOf(c.versionId) % COLORS.length] }} aria-hidden /> v{c.versionId}: {c.n}
              </span>
            ))}
        {last.length > 0 && <span>of the last {last.length}</span>}
      </div>
    </div>
  );
}
