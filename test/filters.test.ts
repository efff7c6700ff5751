/** The words filters give readers: features, labels inside sentences. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feature, readerText } from '../pipeline/site/filters.ts';

test('feature: a metadata-model feature in readers\' words, every form', () => {
  assert.equal(feature('log_price'), 'price (log of 1 + price)');
  assert.equal(feature('price_missing'), 'price missing');
  assert.equal(feature('kids=true'), 'kids: true');
  assert.equal(feature('brand=other'), 'brand: any other value');
  assert.equal(feature('category=T=Shirt'), 'category: T=Shirt');
  assert.equal(feature('rooms'), 'rooms');
});

test('reader_text: internal labels and the settings that decide a limit leave the reader\'s sentence', () => {
  assert.equal(readerText('1 not_sold photo over the limit (dataset.max_pixels)'), '1 not sold photo over the limit');
});
