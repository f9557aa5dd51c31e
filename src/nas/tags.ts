// nas/tags.ts: the transport tags the search layer owns (300–399).

/** Driver → every other rank: close your layer store now; the reply says it is closed. */
export const kStoreStopTag = 300;
export const kStoreStoppedTag = 301;
