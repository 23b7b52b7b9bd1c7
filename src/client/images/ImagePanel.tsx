import { useEffect, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isContainerRuntime } from '../../shared/function-config.ts';
import type { ImageSummary } from '../../shared/images-api.ts';
import { ApiError } from '../api/client.ts';
import { useLive } from '../api/live.ts';
import { imagesApi } from '../api/images.ts';
import { AccelerationProgress } from '../observe/AccelerationProgress.tsx';
import { formatSize } from '../observe/format.ts';
import { useAcceleration } from '../observe/use-acceleration.ts';
import { findImage, shortDigest } from './image-reference.ts';
import { imageKeys, useImages } from './queries.ts';
import './images.css';

/**
 * What the image field names, as fnplay's image store knows it: how it starts (entrypoint, cmd,
 * env, user, ports), its layers and sizes, why FC would refuse it, how far the deployed
 * function's preparation of it is, and how much disk all images take.
 */
export function ImagePanel(props: { reference: string }) {
  const images = useImages();
  const acceleration = useAcceleration();
  const queryClient = useQueryClient();
  const removals = useLive((s) => s.imageRemovals);
  // an image becomes unpacked (rootfsBytes, disk use) when its preparation ends, and goes when
  // the service removes one no function uses any more
  useEffect(() => {
    if (acceleration.status === 'Ready' || acceleration.status === 'Failed' || removals > 0) void queryClient.invalidateQueries({ queryKey: imageKeys.list });
  }, [acceleration.status, removals, queryClient]);

  const image = images.data ? findImage(images.data.images, props.reference) : null;
  // the function as deployed may be another runtime still: its preparation is not the image's
  const deployedAsContainer = acceleration.runtime === null || isContainerRuntime(acceleration.runtime);

  return (
    <section aria-label="Image details" className="image-panel">
      <h3 className="img-heading">Image</h3>
      {props.reference.trim() === '' ? (
        <p className="hint">Name an image above, or upload an image archive.</p>
      ) : images.isPending ? (
        <p className="hint">Reading fnplay's image store…</p>
      ) : images.error ? (
        <p role="alert" className="error-text">The image store could not be read: {images.error.message}</p>
      ) : image ? (
        <ImageDetails image={image} />
      ) : (
        <p className="hint">
          <code>{props.reference}</code> is not in fnplay's image store: a deploy pulls it from its registry (or upload its archive).
        </p>
      )}
      <h4 className="img-subheading">Acceleration</h4>
      {deployedAsContainer ? <AccelerationProgress /> : <p className="hint accel-detail">Deploy the function to prepare its image.</p>}
      {images.data && (
        <p className="hint img-disk" aria-label="Image disk use">
          All images use {formatSize(images.data.disk.totalBytes)} of disk: {formatSize(images.data.disk.blobBytes)} stored, {formatSize(images.data.disk.rootfsBytes)} unpacked.
        </p>
      )}
    </section>
  );
}

function ImageDetails({ image }: { image: ImageSummary }) {
  const platform = [image.os, image.architecture, image.variant].filter(Boolean).join('/');
  return (
    <>
      {image.problem && (
        <p role="alert" className="img-problem">
          {image.problem}
        </p>
      )}
      <dl className="img-facts">
        <Fact term="Digest">
          <code title={image.digest}>{shortDigest(image.digest)}</code>
        </Fact>
        {image.references.length > 0 && <Fact term="References">{image.references.map((r) => <code key={r} className="img-line">{r}</code>)}</Fact>}
        <Fact term="Platform">{platform}</Fact>
        <Fact term="Entrypoint">{words(image.entrypoint)}</Fact>
        <Fact term="Cmd">{words(image.cmd)}</Fact>
        <Fact term="Env">{image.env.length === 0 ? <span className="hint">none</span> : image.env.map((e) => <code key={e} className="img-line">{e}</code>)}</Fact>
        <Fact term="Working dir">{image.workingDir ? <code>{image.workingDir}</code> : <span className="hint">/ (not set)</span>}</Fact>
        <Fact term="User">{image.user ? <code>{image.user}</code> : <span className="hint">root (not set)</span>}</Fact>
        <Fact term="Exposed ports">{image.exposedPorts.length === 0 ? <span className="hint">none</span> : <code>{image.exposedPorts.join(', ')}</code>}</Fact>
        <Fact term="Size">
          {formatSize(image.size)} <span className="hint">({formatSize(image.uncompressedSize)} uncompressed)</span>
        </Fact>
        {image.rootfsBytes !== null && <Fact term="Unpacked">{formatSize(image.rootfsBytes)}</Fact>}
        {image.usedBy.length > 0 && <Fact term="Used by">{image.usedBy.map((u) => <code key={`${u.serviceName}/${u.functionName}`} className="img-line">{u.serviceName}/{u.functionName}</code>)}</Fact>}
      </dl>
      <table className="img-layers" aria-label="Layers">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Layer</th>
            <th scope="col">Size</th>
            <th scope="col">Uncompressed</th>
          </tr>
        </thead>
        <tbody>
          {image.layers.map((l, i) => (
            <tr key={`${i}-${l.digest}`}>
              <td>{i + 1}</td>
              <td>
                <code title={l.digest}>{shortDigest(l.digest)}</code>
              </td>
              <td>{formatSize(l.size)}</td>
              <td>{formatSize(l.uncompressedSize)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <RemoveImage image={image} />
    </>
  );
}

function Fact(props: { term: string; children: ReactNode }) {
  return (
    <div className="img-fact">
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** An exec-form list as a shell would read it back; unset is said as such (the other field decides). */
function words(list: string[] | null) {
  if (!list || list.length === 0) return <span className="hint">not set</span>;
  return <code>{JSON.stringify(list)}</code>;
}

/** Frees the image's disk; the service refuses (ImageInUse) while a function names it. */
function RemoveImage({ image }: { image: ImageSummary }) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setOutcome(null), [image.digest]);
  const remove = async () => {
    try {
      const { freedBytes } = await imagesApi.remove(image.digest);
      setOutcome({ ok: true, text: `Removed: ${formatSize(freedBytes)} freed` });
      void queryClient.invalidateQueries({ queryKey: imageKeys.list });
    } catch (err) {
      setOutcome({ ok: false, text: err instanceof ApiError ? err.message : String(err) });
    }
  };
  return (
    <div className="img-remove">
      <button type="button" className="btn btn-small" onClick={() => void remove()} disabled={image.usedBy.length > 0} title={image.usedBy.length > 0 ? 'A function names this image' : undefined}>
        Remove image
      </button>
      {outcome && (
        <span role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'hint' : 'error-text'}>
          {outcome.text}
        </span>
      )}
    </div>
  );
}
