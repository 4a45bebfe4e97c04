// Small inline icons: no icon font or emoji is needed, so they look the same on every system.

const PATHS = {
  play: 'M5 3.5v9l8-4.5z',
  pause: 'M4.5 3h2.5v10H4.5zM9 3h2.5v10H9z',
  step: 'M3 3.5v9l6.5-4.5zM10.5 3h2.3v10h-2.3z',
  reset: 'M8 3a5 5 0 1 1-4.6 3h1.8A3.4 3.4 0 1 0 8 4.6V6.5L4.8 3.8 8 1z',
  link: 'M6.6 9.4l2.8-2.8M7 4.6l1.4-1.4a2.6 2.6 0 0 1 3.7 3.7L10.7 8.3M9 11.4l-1.4 1.4a2.6 2.6 0 0 1-3.7-3.7L5.3 7.7',
  dice: 'M3.5 2.5h9a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-9a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1z',
  check: 'M3 8.5l3.2 3L13 4.5',
  resume: 'M3 3v6a3 3 0 0 0 3 3h6M9.5 9.5L12 12l-2.5 2.5',
} as const;

export type IconName = keyof typeof PATHS;

const STROKED: IconName[] = ['link', 'check', 'resume', 'dice'];

export function Icon({ name, size = 14 }: { name: IconName; size?: number }) {
  const stroked = STROKED.includes(name);
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" aria-hidden="true">
      <path
        d={PATHS[name]}
        fill={stroked ? 'none' : 'currentColor'}
        stroke={stroked ? 'currentColor' : 'none'}
        strokeWidth={1.6}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      {name === 'dice' && (
        <g fill="currentColor">
          <circle cx="5.5" cy="5.5" r="1.1" />
          <circle cx="10.5" cy="10.5" r="1.1" />
          <circle cx="8" cy="8" r="1.1" />
        </g>
      )}
    </svg>
  );
}
