/** Port `esphil view` and `--view` listen on unless told otherwise (`--view-port 0` picks a free one). */
export const DEFAULT_VIEW_PORT = 8385;
