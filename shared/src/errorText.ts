/** An error's message for a log line, whatever was thrown. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
