/** Timing marks the bench pages, the direct React bundle and the ChatKit stand-in write (performance.now() values). */
interface Window {
  __bench: { start?: number; defined?: number; opened?: number; setOptions?: number };
  /** The bench's CDP binding (`Runtime.addBinding`), present while a page is timed. */
  __benchSetOptions?: (payload: string) => void;
}
