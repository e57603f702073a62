/** Timing marks the bench pages, the direct React bundle and the ChatKit stand-in write (performance.now() values). */
interface Window {
  __bench: { start?: number; defined?: number; opened?: number; setOptions?: number };
}
