/**
 * The film page: draws one video frame of a storyboard at a time, for the MP4
 * renderer (src/core/video/render.ts) driving it in headless Chromium.
 * `window.ncFilm.load(storyboard, size)` then `window.ncFilm.show(spec)`;
 * rendering is synchronous, so a screenshot taken right after shows it.
 */
import './film.css';
import { render } from 'preact';
import type { Storyboard } from '../../src/core/storyboard/contract';
import type { FrameSpec } from '../../src/core/video/layout';
import { Frame } from './Frames';

interface FilmApi {
  load(sb: Storyboard, size: { width: number; height: number }): void;
  show(spec: FrameSpec): void;
}

declare global {
  interface Window {
    ncFilm?: FilmApi;
  }
}

let loaded: { sb: Storyboard; width: number; height: number } | null = null;
const root = document.getElementById('film')!;

window.ncFilm = {
  load(sb, size) {
    loaded = { sb, ...size };
    document.documentElement.style.setProperty('--w', `${size.width}px`);
  },
  show(spec) {
    if (!loaded) throw new Error('ncFilm.load first');
    render(<Frame sb={loaded.sb} spec={spec} width={loaded.width} height={loaded.height} />, root);
  },
};
