/**
 * All of the widget's styling, adopted by the shadow root: no `style=` anywhere, so a strict CSP needs no
 * `'unsafe-inline'`. Pages customise through the `--ckw-*` properties and `::part()`; the private `--_*`
 * properties hold each default once. A constructed sheet (Lit's `static styles` takes one as it is) rather than
 * Lit's `css` tag, whose checks cost the loader bytes; the build minifies the CSS text (rollup.config.mjs).
 */
export const styles = new CSSStyleSheet();
styles.replaceSync(`
  :host {
    --_x: var(--ckw-offset-x, 20px);
    --_y: var(--ckw-offset-y, 20px);
    --_size: var(--ckw-launcher-size, 56px);
    --_z: var(--ckw-z-index, 2147483000);
    --_radius: var(--ckw-radius, 16px);
    --_surface: var(--ckw-surface-color, #fff);
    --_text: var(--ckw-text-color, #1f2328);
    --_border: var(--ckw-border-color, #e5e7eb);
    --_error: var(--ckw-error-color, #8a1c1c);
    --_error-bg: var(--ckw-error-background, #fff4f4);
    /* --_accent-attr is the accent attribute (set by the element); the custom property wins over both. */
    --_accent: var(--ckw-accent-color, var(--_accent-attr, #111827));
    --_shadow: var(--ckw-shadow, 0 8px 28px #0004);
    display: block;
    position: relative;
    height: var(--ckw-inline-height, 560px);
    font-family: var(--ckw-font-family, inherit);
    color: var(--_text);
  }
  /*
   * The widget's own surfaces follow ChatKit's colour scheme. Dark defaults: every text colour reads at 4.5:1 or
   * better on the dark surface; the launcher stands 3:1 from a dark page and under its white icon.
   */
  :host([theme='dark']) {
    --_surface: var(--ckw-surface-color, #1f1f1f);
    --_text: var(--ckw-text-color, #ececec);
    --_border: var(--ckw-border-color, #3a3a3a);
    --_error: var(--ckw-error-color, #ff9e9e);
    --_error-bg: var(--ckw-error-background, #3b1f1f);
    --_accent: var(--ckw-accent-color, var(--_accent-attr, #6b7280));
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_surface: var(--ckw-surface-color, #1f1f1f);
      --_text: var(--ckw-text-color, #ececec);
      --_border: var(--ckw-border-color, #3a3a3a);
      --_error: var(--ckw-error-color, #ff9e9e);
      --_error-bg: var(--ckw-error-background, #3b1f1f);
      --_accent: var(--ckw-accent-color, var(--_accent-attr, #6b7280));
    }
  }
  :host([display='launcher']) {
    height: 0;
  }
  [hidden] {
    display: none !important;
  }
  .surface {
    position: relative;
    height: 100%;
    overflow: hidden;
    background: var(--_surface);
    border-radius: var(--_radius);
  }
  .chat,
  openai-chatkit {
    display: block;
    height: 100%;
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    cursor: pointer;
  }

  .launcher,
  .panel {
    position: fixed;
    z-index: var(--_z);
    right: var(--_x);
    bottom: var(--_y);
    box-shadow: var(--_shadow);
  }
  .left > * {
    right: auto;
    left: var(--_x);
  }
  .launcher {
    display: grid;
    place-items: center;
    width: var(--_size);
    height: var(--_size);
    border-radius: 50%;
    background: var(--_accent);
    color: var(--ckw-launcher-color, #fff);
  }
  .launcher svg {
    width: 46%;
    height: 46%;
    fill: currentColor;
    fill-rule: evenodd;
  }
  .x {
    fill: none;
    stroke: currentColor;
    stroke-width: 2.4;
    stroke-linecap: round;
  }
  /* The chat bubble while closed, an X while open. */
  :host([open]) .bubble,
  :host(:not([open])) .x {
    display: none;
  }
  .panel {
    bottom: calc(var(--_y) + var(--_size) + 12px);
    display: flex;
    flex-direction: column;
    width: var(--ckw-panel-width, 400px);
    max-width: calc(100vw - 2 * var(--_x));
    height: var(--ckw-panel-height, min(640px, 100vh - 120px));
    background: var(--_surface);
    border-radius: var(--_radius);
    overflow: hidden;
    animation: ckw-rise 0.16s ease-out;
  }
  .panel .surface {
    flex: 1;
    border-radius: 0;
  }
  .header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 8px 8px 8px 16px;
    border-bottom: 1px solid var(--_border);
    font-weight: 600;
  }
  .close {
    padding: 4px 10px;
    font-size: 22px;
  }

  /* Full screen on small viewports, without touching the page's viewport meta. */
  @media (max-width: 639.98px) {
    .panel,
    .left > .panel {
      inset: 0;
      width: auto;
      max-width: none;
      height: auto;
      border-radius: 0;
    }
  }
  @keyframes ckw-rise {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .panel {
      animation: none;
    }
  }

  .status,
  .error {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    /* safe: a message taller than the panel scrolls from its top instead of losing it. */
    justify-content: safe center;
    gap: 12px;
    padding: 24px;
    overflow: auto;
    text-align: center;
    background: var(--_surface);
    /* URLs and codes break anywhere rather than widen the message past the panel. */
    overflow-wrap: anywhere;
  }
  .error {
    color: var(--_error);
  }
  .banner {
    bottom: auto;
    flex-direction: row;
    padding: 8px 12px;
    background: var(--_error-bg);
  }
  .error > p {
    max-width: 100%;
    margin: 0;
  }
  small {
    display: block;
    font-size: 0.875em;
  }
  .retry {
    padding: 6px 14px;
    border: 1px solid;
    border-radius: 8px;
  }
`);
