import { describe, expect, test } from 'vitest';
import { describeRecipe } from '../src/recipe';
import { s4 } from '../src/s4';

describe('describeRecipe', () => {
  test("the s4 recipe in one line, PyTorch's names", () => {
    expect(describeRecipe(s4.recipe)).toBe(
      'SGD(lr=0.2, momentum=0.9, nesterov) · OneCycleLR(pct_start=0.2, div_factor=10, final_div_factor=100) · batch 128 · 15 epochs · rotate ±7°',
    );
  });

  test('one epoch is "1 epoch"', () => {
    const line = describeRecipe({ ...s4.recipe, epochs: 1, augment: { rotate: 0 } });
    expect(line).toContain(' · 1 epoch · no augmentation');
  });

  test('label smoothing is named when it smooths', () => {
    expect(describeRecipe({ ...s4.recipe, labelSmoothing: 0.1 })).toMatch(
      / · rotate ±7° · label smoothing 0\.1$/,
    );
    expect(describeRecipe({ ...s4.recipe, labelSmoothing: 0 })).not.toContain('smoothing');
  });
});
