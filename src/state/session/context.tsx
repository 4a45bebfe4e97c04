import { createContext, useContext, type ReactNode } from 'react';
import type { EpisodeSession } from './session';

// The session reaches components through context, not a module singleton: a test or a second view can
// mount the same components on another session.

const SessionContext = createContext<EpisodeSession | null>(null);

export function SessionProvider({ session, children }: { session: EpisodeSession; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The episode session of the nearest provider; throws outside one, as a missing provider is a bug. */
export function useSession(): EpisodeSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession() must be used inside <SessionProvider>');
  return s;
}
