import { describe, expect, it } from 'vitest';
import * as browser from '../src/browser';
import * as node from '../src/index';

// The names only Node has: its file cache and the loader's cache filler.
const NODE_ONLY = ['defaultCacheDir', 'fetchMnist', 'mnistPackageDir'];

describe('the two entries', () => {
  it('export the same names, the Node entry adding only its cache helpers', () => {
    const nodeNames = Object.keys(node).sort();
    const browserNames = Object.keys(browser).sort();
    expect(nodeNames.filter((name) => !NODE_ONLY.includes(name))).toEqual(browserNames);
    for (const name of NODE_ONLY) expect(nodeNames).toContain(name);
  });

  it('each have their own loader and parser, and share everything else', () => {
    expect(node.loadMnist).not.toBe(browser.loadMnist);
    expect(node.parseIdx).not.toBe(browser.parseIdx);
    const nodeValues = new Map(Object.entries(node));
    for (const [name, value] of Object.entries(browser)) {
      if (name === 'loadMnist' || name === 'parseIdx') continue;
      expect(value, name).toBe(nodeValues.get(name));
    }
  });
});
