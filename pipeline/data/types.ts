import type { ClassName } from './labels.ts';

export type ProblemReason =
  | 'missing' | 'unreadable' | 'not_an_image' | 'too_large' | 'outside_root'
  | 'bad_label' | 'duplicate_id' | 'duplicate_image' | 'bad_row'
  /** The price does not parse: the row is kept for training, without a price. */
  | 'bad_price';

/** A manifest row that was left out (or, for bad_price, kept without a price), and why (DESIGN.md's check-data contract). */
export interface Problem {
  line: number;
  id: string;
  image: string;
  reason: ProblemReason;
  detail: string;
}

/** A usable listing: its label, its split group, its photo's hashes and its metadata. */
export interface Listing {
  line: number;
  id: string;
  image: string;
  label: ClassName;
  /** The group that must not straddle the split (the `group` column, else the id). */
  group: string;
  sha256: string;
  /** 64-bit perceptual hash, 16 hex digits. */
  phash: string;
  width: number;
  height: number;
  title?: string;
  brand?: string;
  category?: string;
  price?: number;
  currency?: string;
  created_at?: string;
  sold_at?: string;
  /** Every other manifest column, kept for the report. */
  extra: Record<string, string>;
}

export interface NearDuplicate {
  line: number;
  id: string;
  of_line: number;
  of_id: string;
  distance: number;
}
