/** The page script of the grid worker's Chromium test: the real proxy, starting the real worker from its source. */
import { GridData } from '../../../../src/webview/grid/data/gridData';

declare const GRID_WORKER_SOURCE: string;

Object.assign(window, { GridData, GRID_WORKER_SOURCE });
