/** Where a deleted room's replay lives in the ARCHIVE bucket (R2): written by the room, read by the worker. */
export const archiveKey = (matchId: string): string => `replays/${matchId}.json`;
