/**
 * What a person sees of the widget's own UI: messages that stay inside the panel on a phone, colours that can
 * be read in light and dark, and a launcher that looks like a chat button and wears the page's accent.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../src/chat-kit-widget.js';
import type { ChatKitWidget } from '../src/chat-kit-widget.js';
import { defineFakeChatKit } from '../test-support/fake-chatkit.js';
import { eventually, part } from '../test-support/widget-helpers.js';

defineFakeChatKit();

/** A value with no place to break, as a URL in an error's detail is. */
const UNBREAKABLE = `https://cdn.platform.example.com/${'deployments/chatkit/'.repeat(5)}chatkit.js`;

/** WCAG relative luminance of a computed `rgb()`/`rgba()` colour. */
function luminance(color: string): number {
  const [r, g, b] = color.match(/[\d.]+/g)!.slice(0, 3).map((channel) => {
    const c = Number(channel) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(foreground: string, background: string): number {
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Every line of text in `box` lies inside it, horizontally: nothing cut off on either side. */
function textInside(box: HTMLElement): { inside: boolean; detail: string } {
  const bounds = box.getBoundingClientRect();
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const outside: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const line of range.getClientRects())
      if (line.left < bounds.left - 0.5 || line.right > bounds.right + 0.5) outside.push(`${node.textContent!.slice(0, 30)}… ${line.left}-${line.right}`);
  }
  return { inside: outside.length === 0 && box.scrollWidth <= box.clientWidth, detail: `box ${bounds.left}-${bounds.right}: ${outside.join('; ')}` };
}

async function failingWidget(attributes: string, width: number): Promise<{ widget: ChatKitWidget; box: HTMLElement }> {
  await setViewport({ width, height: 800 });
  const holder = await fixture<HTMLElement>(html`<div></div>`);
  holder.innerHTML = `<chat-kit-widget client-secret="cs_x" accent="${UNBREAKABLE}" ${attributes}></chat-kit-widget>`;
  const widget = holder.firstElementChild as ChatKitWidget;
  if (widget.display === 'launcher') widget.open();
  await eventually(() => part(widget, 'error') && !part(widget, 'error')!.hidden, 'no error was shown');
  return { widget, box: part(widget, 'error')! };
}

describe('<chat-kit-widget> appearance', () => {
  afterEach(async () => {
    await setViewport({ width: 1024, height: 768 });
  });

  for (const width of [320, 390]) {
    it(`at ${width} px, an error's whole text wraps inside the inline widget`, async () => {
      const { box } = await failingWidget('', width);
      expect(box.textContent).to.include(UNBREAKABLE);
      const { inside, detail } = textInside(box);
      expect(inside, detail).to.equal(true);
    });
  }

  it("in the launcher's 400 px panel on a wide screen, an error's whole text wraps inside it", async () => {
    const { widget, box } = await failingWidget('display="launcher"', 1280);
    expect(part(widget, 'panel')!.getBoundingClientRect().width).to.equal(400);
    const { inside, detail } = textInside(box);
    expect(inside, detail).to.equal(true);
  });

  for (const theme of ['light', 'dark']) {
    it(`the error text and the sign-in text read at 4.5:1 or better (${theme})`, async () => {
      const { box } = await failingWidget(`theme="${theme}"`, 1024);
      const style = getComputedStyle(box);
      expect(contrast(style.color, style.backgroundColor)).to.be.at.least(4.5);

      const signIn = document.createElement('chat-kit-widget');
      signIn.setAttribute('auth-mode', 'custom-fetch');
      signIn.setAttribute('theme', theme);
      signIn.getAuthToken = async () => null;
      const asked = oneEvent(signIn, 'ckw-auth-required');
      (await fixture<HTMLElement>(html`<div></div>`)).append(signIn);
      await asked;
      await signIn.updateComplete;
      const signInStyle = getComputedStyle(part(signIn, 'error')!);
      expect(contrast(signInStyle.color, signInStyle.backgroundColor)).to.be.at.least(4.5);
    });
  }

  it('theme="auto" on a dark system: the error text reads at 4.5:1 or better', async () => {
    // Inside a frame, prefers-color-scheme follows the frame element's color-scheme, in every browser.
    const frame = document.createElement('iframe');
    frame.src = '/__ckw/widget-page.html';
    frame.style.colorScheme = 'dark';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const page = frame.contentWindow as Window & typeof globalThis;
      await page.customElements.whenDefined('chat-kit-widget');
      const widget = page.document.createElement('chat-kit-widget');
      for (const [name, value] of Object.entries({ 'client-secret': 'cs_x', theme: 'auto', accent: 'not-a-colour' })) widget.setAttribute(name, value);
      page.document.body.append(widget);
      await eventually(() => part(widget as ChatKitWidget, 'error'), 'no error was shown');
      const style = page.getComputedStyle(part(widget as ChatKitWidget, 'error')!);
      expect(luminance(style.backgroundColor)).to.be.below(0.05, 'a dark surface');
      expect(contrast(style.color, style.backgroundColor)).to.be.at.least(4.5);
    } finally {
      frame.remove();
    }
  });

  for (const theme of ['light', 'dark']) {
    it(`the launcher shows a chat bubble, and an X once open, its icon at 3:1 or better on its background (${theme})`, async () => {
      const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" theme=${theme} client-secret="cs_x"></chat-kit-widget>`);
      const button = part(widget, 'launcher')!;
      const shown = () => [...button.querySelectorAll('svg path')].filter((path) => getComputedStyle(path).display !== 'none').map((path) => path.getAttribute('class'));
      expect(shown()).to.deep.equal(['bubble']);
      const bubble = button.querySelector('svg')!.getBoundingClientRect();
      expect(bubble.width).to.be.greaterThan(20);
      const style = getComputedStyle(button);
      expect(contrast(style.color, style.backgroundColor)).to.be.at.least(3);
      widget.open();
      await widget.updateComplete;
      expect(shown()).to.deep.equal(['x']);
    });
  }

  it('the launcher wears the accent attribute, follows its changes, and --ckw-accent-color still wins', async () => {
    const widget = await fixture<ChatKitWidget>(html`<chat-kit-widget display="launcher" accent="#0f766e" client-secret="cs_x"></chat-kit-widget>`);
    const background = () => getComputedStyle(part(widget, 'launcher')!).backgroundColor;
    expect(background()).to.equal('rgb(15, 118, 110)');
    expect(widget.hasAttribute('style'), 'the element never writes a style attribute').to.equal(false);
    widget.setAttribute('accent', 'rebeccapurple');
    await widget.updateComplete;
    expect(background()).to.equal('rgb(102, 51, 153)');
    widget.style.setProperty('--ckw-accent-color', '#b91c1c');
    expect(background()).to.equal('rgb(185, 28, 28)');
    widget.style.removeProperty('--ckw-accent-color');
    widget.removeAttribute('accent');
    await widget.updateComplete;
    expect(background()).to.equal('rgb(17, 24, 39)');
  });
});
