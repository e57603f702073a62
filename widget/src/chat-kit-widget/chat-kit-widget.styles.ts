import { css } from '@lit/reactive-element';

/**
 * All of the widget's styling, adopted by the shadow root: no `style=` anywhere, so a strict CSP needs no
 * `'unsafe-inline'`. Pages customise through the `--ckw-*` properties and `::part()`; the private `--_*`
 * properties hold each default once.
 */
export const styles = css`
  :host {
    --_x: var(--ckw-offset-x, 20px);
    --_y: var(--ckw-offset-y, 20px);
    --_size: var(--ckw-launcher-size, 56px);
    --_z: var(--ckw-z-index, 2147483000);
    --_radius: var(--ckw-radius, 16px);
    --_surface: var(--ckw-surface-color, #fff);
    --_text: var(--ckw-text-color, #1f2328);
    --_border: var(--ckw-border-color, #e5e7eb);
    --_shadow: var(--ckw-shadow, 0 8px 28px #0004);
    display: block;
    position: relative;
    height: var(--ckw-inline-height, 560px);
    font-family: var(--ckw-font-family, inherit);
    color: var(--_text);
  }
  /* The widget's own surfaces follow ChatKit's colour scheme. */
  :host([theme='dark']) {
    --_surface: var(--ckw-surface-color, #1f1f1f);
    --_text: var(--ckw-text-color, #ececec);
    --_border: var(--ckw-border-color, #3a3a3a);
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_surface: var(--ckw-surface-color, #1f1f1f);
      --_text: var(--ckw-text-color, #ececec);
      --_border: var(--ckw-border-color, #3a3a3a);
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
    background: var(--ckw-accent-color, #111827);
    color: var(--ckw-launcher-color, #fff);
  }
  /* A speech bubble drawn in CSS: no SVG to ship. */
  .launcher::before {
    content: '';
    width: 42%;
    height: 32%;
    background: currentColor;
    border-radius: 4px 4px 4px 0;
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
    justify-content: center;
    gap: 12px;
    padding: 24px;
    text-align: center;
    background: var(--_surface);
  }
  .error {
    color: var(--ckw-error-color, #8a1c1c);
  }
  .banner {
    bottom: auto;
    flex-direction: row;
    padding: 8px 12px;
    background: var(--ckw-error-background, #fff4f4);
  }
  small {
    display: block;
    opacity: 0.8;
  }
  .retry {
    padding: 6px 14px;
    border: 1px solid;
    border-radius: 8px;
  }
`;
