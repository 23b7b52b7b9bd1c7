/** Small stroke icons for the tree and toolbar; decorative, the buttons carry the names. */
const svg = { width: 14, height: 14, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', strokeWidth: 1.3, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

export const NewFileIcon = () => (
  <svg {...svg}>
    <path d="M9 1.5H4a1 1 0 0 0-1 1v11a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V5.5L9 1.5Z" />
    <path d="M9 1.5v4h4M8 8v4M6 10h4" />
  </svg>
);

export const NewFolderIcon = () => (
  <svg {...svg}>
    <path d="M1.5 4a1 1 0 0 1 1-1h3.5l1.5 1.5h6a1 1 0 0 1 1 1V12a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1V4Z" />
    <path d="M8 7v4M6 9h4" />
  </svg>
);

export const RenameIcon = () => (
  <svg {...svg}>
    <path d="M10.5 2.5l3 3L6 13H3v-3l7.5-7.5Z" />
  </svg>
);

export const DeleteIcon = () => (
  <svg {...svg}>
    <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4" />
  </svg>
);

export const UploadIcon = () => (
  <svg {...svg}>
    <path d="M8 10.5V2M4.5 5.5 8 2l3.5 3.5M2.5 11v2.5h11V11" />
  </svg>
);

export const DownloadIcon = () => (
  <svg {...svg}>
    <path d="M8 2v8.5M4.5 7 8 10.5 11.5 7M2.5 11v2.5h11V11" />
  </svg>
);

export const ChevronIcon = ({ open }: { open: boolean }) => (
  <svg {...svg} width={10} height={10} className={open ? 'chevron chevron-open' : 'chevron'}>
    <path d="M6 3.5 10.5 8 6 12.5" />
  </svg>
);
