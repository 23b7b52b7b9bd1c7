import { AliasesPanel } from './AliasesPanel.tsx';
import { LayersPanel } from './LayersPanel.tsx';
import { TimersPanel } from './TimersPanel.tsx';
import { VersionsPanel } from './VersionsPanel.tsx';
import './releases.css';

/** Versions, aliases, layers and timer triggers: a chunk of its own, loaded after the first paint. */
export default function ReleasesColumn() {
  return (
    <>
      <VersionsPanel />
      <AliasesPanel />
      <LayersPanel />
      <TimersPanel />
    </>
  );
}
