/**
 * Every extractor answers with the text it extracted or the reason it refused: nothing is dropped
 * silently, so counts of usable samples can always be explained.
 */
export interface ExtractedText {
  ok: true;
  text: string;
}

export interface Rejection {
  ok: false;
  reason: string;
}

export type Extraction = ExtractedText | Rejection;
