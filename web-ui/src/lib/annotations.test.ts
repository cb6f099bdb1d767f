import { describe, expect, it } from 'vitest';
import { boundToRect, contourToPoints, filterByConfidence, toShapes, type Prediction } from './annotations';

const box = (confidence: number, name = 'person'): Prediction => ({
  annotationId: Math.round(confidence * 100),
  bound: [
    [0.1, 0.2],
    [0.1, 0.6],
    [0.5, 0.6],
    [0.5, 0.2],
  ],
  boundType: 'rectangle',
  confidence,
  tag: { id: 1, name },
});

describe('annotation drawing', () => {
  it('scales a normalized bound to the pixel rectangle of the image', () => {
    expect(boundToRect(box(0.9).bound!, 640, 480)).toEqual({ x: 64, y: 96, width: 256, height: 192 });
  });

  it('clamps coordinates that fall outside the image', () => {
    expect(boundToRect([[-0.1, 0.5], [1.2, 1.5]], 100, 100)).toEqual({ x: 0, y: 50, width: 100, height: 50 });
  });

  it('turns a contour into SVG polygon points in pixels', () => {
    expect(contourToPoints([[0, 0], [0.5, 0], [0.5, 0.25]], 200, 100)).toBe('0,0 100,0 100,25');
  });

  it('keeps predictions at or above the confidence threshold and those without a confidence', () => {
    const items = [{ confidence: 0.2 }, { confidence: 0.5 }, { confidence: 0.9 }, {}];
    expect(filterByConfidence(items, 0.5)).toEqual([{ confidence: 0.5 }, { confidence: 0.9 }, {}]);
    expect(filterByConfidence(items, 0)).toHaveLength(4);
    expect(filterByConfidence(items, 1)).toEqual([{}]);
  });

  it('labels each shape with its class and confidence, above the box when there is room', () => {
    const [shape] = toShapes([box(0.934)], 640, 480, 20);
    expect(shape.label).toBe('person 93%');
    expect(shape.labelAt).toEqual({ x: 64, y: 76 });
  });

  it('puts the label inside the box when the box touches the top edge', () => {
    const top: Prediction = { ...box(0.8), bound: [[0.1, 0], [0.3, 0.2]] };
    expect(toShapes([top], 100, 100, 12)[0].labelAt.y).toBe(0);
  });

  it('draws a polygon for a segmentation contour and skips classifications without geometry', () => {
    const mask: Prediction = { confidence: 0.7, tag: { id: 2, name: 'cat' }, contour: [[0, 0], [1, 0], [1, 1]], boundType: 'masks' };
    const classification: Prediction = { confidence: 0.99, tag: { id: 3, name: 'dog' } };
    const shapes = toShapes([mask, classification], 10, 10, 4);
    expect(shapes).toHaveLength(1);
    expect(shapes[0].points).toBe('0,0 10,0 10,10');
  });
});
