// Whether this browser can encode the export's videos, asked in two places: the page, before it starts
// the export worker (src/state/history/lerobotExport.ts), and the worker's encoder (webVideo.ts), which
// a page check cannot vouch for. This file imports nothing, so the page's bundle does not take in the
// muxer to say so.

export const NO_WEBCODECS =
  'this browser has no WebCodecs video encoder (VideoEncoder and VideoFrame), which the export needs to encode the camera videos; Chrome, Edge (94+) and Safari (16.4+) have it';

export const hasWebCodecs = (): boolean => typeof VideoEncoder !== 'undefined' && typeof VideoFrame !== 'undefined';
